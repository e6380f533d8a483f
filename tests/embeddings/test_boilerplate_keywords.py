"""Boilerplate stripping and Chinese keyword filler (issue 15: names worth reading)."""

from __future__ import annotations

from embeddings.boilerplate import find_boilerplate, has_content, strip_boilerplate
from embeddings.keywords import top_keywords, tokenize

DELETED = "（该条评论已经被删除）"


def test_shared_prefix_is_found_and_stripped():
    texts = [DELETED + "很好用", DELETED + "垃圾软件，总是闪退", DELETED, DELETED + "希望增加夜间模式",
             "界面不错", "更新后闪退", "很好，物流快", "很好，质量不错", "登录不了", "字体太小"]
    found = find_boilerplate(texts)
    assert found == [("prefix", DELETED)]
    assert strip_boilerplate(texts, found)[:5] == [
        "很好用", "垃圾软件，总是闪退", "", "希望增加夜间模式", "界面不错"]


def test_suffix_and_short_openers():
    sign = "Sent from my phone"
    texts = [f"Export fails. {sign}", f"Add dark mode. {sign}", f"Love it! {sign}", "Great!",
             "Great! sync is slow", "Great! needs csv", "Search is slow", "Login broken", "Too many ads",
             "Crashes daily"]
    found = find_boilerplate(texts)
    # "Great!" is a proper prefix of only 2 texts (the third is "Great!" alone): below MIN_TEXTS = 3
    assert found == [("suffix", sign)]
    assert strip_boilerplate(texts, found)[0] == "Export fails."
    short = ["Wow! sync is slow", "Wow! needs csv", "Wow! login broken", "Too many ads", "Crashes daily"]
    assert find_boilerplate(short) == []  # 3 of 5 texts, but "Wow!" has 3 letters < MIN_CHARS = 5


def test_no_boilerplate_in_ordinary_feedback_and_duplicates_count_once():
    same = ["（该条评论已经被删除）好"] * 50 + ["a b c", "d e f", "g h i"]
    assert find_boilerplate(same) == []  # one distinct text repeated is not a shared phrase
    assert find_boilerplate(["The app is slow.", "The app crashes.", "Please add export."]) == []


def test_has_content():
    assert [has_content(t) for t in ["🙂🙂", "", "  ", "12 34", "!!!", "ok", "好"]] == [
        False, False, False, False, False, True, True]


def test_filler_never_names_a_theme_unless_it_is_the_theme():
    hotel = ["酒店房间很干净，不错", "房间大，酒店前台服务不错", "酒店位置好，房间安静，不错",
             "前台服务热情，房间不错"]
    books = ["这本书内容很好，不错", "作者写得好，内容不错", "书的内容丰富，作者用心",
             "内容不错，这本书值得看"]
    kws = top_keywords(hotel + books, [0] * 4 + [1] * 4, n=5)
    # 不错 is in 4/4 hotel and 3/4 book texts, 7/8 overall: lift 1.14 and 0.86 < FILLER_LIFT = 2
    assert "不错" not in kws[0] and "不错" not in kws[1]
    assert {"房间", "酒店"} <= set(kws[0][:3]) and "内容" in kws[1][:3]
    shipping = ["京东快递很快", "京东送货快", "京东物流好"]
    other = ["屏幕清晰，电池耐用", "屏幕很亮，音质清楚", "电池耐用，屏幕好，外观漂亮"]
    kws = top_keywords(shipping + other, [0] * 3 + [1] * 3, n=3)
    assert "京东" in kws[0]  # filler that IS the theme (3 of its 3 texts vs 3 of all 6: lift 2) may name it


def test_function_words_are_dropped():
    words = tokenize("这次还是非常不错的，我们觉得这个东西其实挺好")
    assert not {"还是", "非常", "我们", "觉得", "这个", "其实"} & set(words)
