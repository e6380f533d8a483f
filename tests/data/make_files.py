"""Writes the test files under tests/data/ (committed; run again only to change them).

    python tests/data/make_files.py

- real_shaped/: small synthetic files shaped like real exports (a Slack-like chat export with 40
  columns where `name` is almost always empty, a whitespace-separated purchase log with yyyymmdd
  dates and no event column, an app-store review workbook, Chinese reviews in GBK).
- hostile/: one file per way a real file goes wrong, and manifest.json with what a person expects of
  each (rows read / loaded / rejected, reasons, rejected row numbers, or the error), written here
  by hand next to each file, not taken from running UserLens.

Everything is deterministic (fixed seeds, fixed workbook dates).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import random
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED = datetime(2024, 1, 1)


# ---------------------------------------------------------------------------------------- real-shaped
SLACK_COLUMNS = [
    "client_msg_id", "type", "subtype", "text", "user", "ts", "team", "user_team", "source_team",
    "user_profile.avatar_hash", "user_profile.image_72", "user_profile.first_name",
    "user_profile.real_name", "user_profile.display_name", "user_profile.team", "user_profile.name",
    "user_profile.is_restricted", "user_profile.is_ultra_restricted", "blocks", "thread_ts", "reply_count",
    "reply_users_count", "latest_reply", "reply_users", "replies", "is_locked", "subscribed", "last_read",
    "parent_user_id", "reactions", "edited.user", "edited.ts", "files", "upload", "display_as_bot",
    "bot_id", "bot_profile.name", "attachments", "channel", "name",
]


def slack_export(out: Path) -> None:
    """60 messages in 40 columns. `name` (a file or channel name) is filled in 1 row of 60; `type` is
    always "message". Rows 17, 34 and 51 are bot posts without a `user`."""
    rnd = random.Random(3)
    people = ["U01AB2CD3", "U02EF4GH5", "U03IJ6KL7", "U04MN8OP9"]
    texts = ["deploy is green :tada:", 'who broke "main"? asking, for a friend', "lunch?\nI vote ramen",
             "PR #412 needs a review, please", "meeting moved to 3pm", "thanks!"]
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(SLACK_COLUMNS)
        for i in range(1, 61):
            row = dict.fromkeys(SLACK_COLUMNS, "")
            bot = i in (17, 34, 51)
            row.update({"client_msg_id": f"{rnd.getrandbits(64):016x}", "type": "message",
                        "text": texts[i % len(texts)], "user": "" if bot else people[i % 4],
                        "ts": f"{1585060061 + i * 3607}.{i:06d}", "team": "T0TEAM", "channel": "general",
                        "user_profile.real_name": "" if bot else f"Person {i % 4}",
                        "blocks": '[{"type": "rich_text"}]'})
            if bot:
                row.update({"subtype": "bot_message", "bot_id": "B0BOT", "bot_profile.name": "ci"})
            if i == 8:
                row.update({"subtype": "channel_join", "name": "general"})
            w.writerow(row.values())


def purchase_log(out: Path) -> None:
    """A CDNOW-style purchase log: aligned columns separated by runs of spaces, yyyymmdd dates, no
    event column. 50 lines; line 23 has the impossible date 19970230 and line 41 lacks two fields."""
    lines = ["customer_id date quantity amount"]
    for i in range(1, 51):
        day = f"1997{1 + i % 3:02d}{1 + i % 28:02d}"
        if i == 23:
            day = "19970230"
        line = f"{i % 17 + 1:>5}   {day}  {1 + i % 4:>2}  {(i * 7.31) % 90 + 5:>7.2f}"
        if i == 41:
            line = f"{i % 17 + 1:>5}   {day}"
        lines.append(line)
    out.write_text("\n".join(lines) + "\n", encoding="ascii")


def app_reviews(out: Path) -> None:
    """An app-store review export: sheet "Reviews" (30 reviews, reviews 12 and 25 without text) and a
    second sheet "Ratings" with a summary."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(out))
    book.set_properties({"created": FIXED})
    sheet = book.add_worksheet("Reviews")
    header = ["Review ID", "Date", "Rating", "Title", "Review", "App Version", "Country", "Device"]
    sheet.write_row(0, 0, header)
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    words = ["Love the new widgets", "Crashes when I open settings", "Sync is slow on 4G",
             "Please add dark mode", "Best to-do app, period.", "Lost my data after the update!"]
    for i in range(1, 31):
        sheet.write_string(i, 0, f"R-{1000 + i}")
        sheet.write_datetime(i, 1, datetime(2024, 3, 1 + i % 28, 9 + i % 8, 15), date_fmt)
        sheet.write_number(i, 2, 1 + i % 5)
        sheet.write_string(i, 3, words[i % 6].split()[0])
        if i not in (12, 25):
            sheet.write_string(i, 4, words[i % 6] + f" (#{i})")
        sheet.write_string(i, 5, f"5.{i % 4}.0")
        sheet.write_string(i, 6, ["US", "DE", "JP", "BR"][i % 4])
        sheet.write_string(i, 7, ["iPhone", "iPad"][i % 2])
    summary = book.add_worksheet("Ratings")
    summary.write_row(0, 0, ["Stars", "Count"])
    for s in range(1, 6):
        summary.write_row(s, 0, [s, 6])
    book.close()


def gbk_reviews(out: Path) -> None:
    """Chinese shop reviews in GBK: 40 rows, row 29 has no review text."""
    good = ["很快，好吃，味道足，量大", "送餐太慢了，等了一个小时", "包装很好，下次还来",
            "价格有点贵，但是好吃", "服务态度差", "米饭有点硬"]
    rows = ["用户ID,评论,评分,日期"]
    for i in range(1, 41):
        text = "" if i == 29 else f"{good[i % 6]}（第{i}单）"
        rows.append(f"u{i:03d},{text},{1 + i % 5},2023年5月{1 + i % 28}日")
    out.write_bytes(("\r\n".join(rows) + "\r\n").encode("gbk"))


# ---------------------------------------------------------------------------------------- hostile
MANIFEST: list[dict] = []


def hostile(name: str, kind: str, content: bytes | str | None, expect: dict, *, options: dict | None = None,
            why: str) -> None:
    """Write one hostile file (unless `content` is None: written elsewhere) and its expectation."""
    path = HERE / "hostile" / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    if content is not None:
        path.write_bytes(content)
    MANIFEST.append({"file": name, "kind": kind, "options": options or {}, "why": why, "expect": expect})


def ok(n: int, **extra: object) -> dict:
    return {"rows_read": n, "rows_loaded": n, "rows_rejected": 0, "reasons": {}, **extra}


def rows(read: int, loaded: int, reasons: dict[str, int], reject_rows: list[int] | None = None,
         **extra: object) -> dict:
    out = {"rows_read": read, "rows_loaded": loaded, "rows_rejected": read - loaded, "reasons": reasons,
           **extra}
    if reject_rows is not None:
        out["reject_rows"] = reject_rows
    return out


def error(contains: str) -> dict:
    return {"error": contains}


EV = "user_id,event,ts\n"


def write_hostile() -> None:  # noqa: PLR0915 - one file per statement, read top to bottom
    (HERE / "hostile").mkdir(exist_ok=True)
    three = "u1,view,2024-01-01 10:00:00\nu2,click,2024-01-02 11:00:00\nu3,buy,2024-01-03 12:00:00\n"

    # --- quoting
    lines = ["user_id,event,note,ts"] + [
        f'u{i},view,"this quote never closes,2024-01-01 10:00:00' if i == 100 else
        f'u{i},view,"hello, world {i}",2024-01-01 10:00:00' for i in range(1, 201)]
    hostile("stray_quote.csv", "events", "\n".join(lines) + "\n",
            rows(200, 199, {"malformed csv line (unclosed quote)": 1}, [100]),
            why="one unclosed quote in row 100 costs only row 100")
    lines = ["user_id,event,note,ts"] + [
        f'u{i},view,"never closed,2024-01-01' if i == 5 else f"u{i},view,plain {i},2024-01-01"
        for i in range(1, 301)]
    hostile("unclosed_quote_then_no_quotes.csv", "events", "\n".join(lines) + "\n",
            rows(300, 299, {"malformed csv line (unclosed quote)": 1}, [5]),
            why="an unclosed quote with no quote after it must not swallow the rest of the file")
    hostile("quote_after_closing_quote.csv", "events", EV + 'u1,view,2024-01-01\nu2,"vi"ew,2024-01-01\n'
            "u3,view,2024-01-01\nu4,view,2024-01-01\n",
            rows(4, 3, {"malformed csv line (stray quote)": 1}, [2]),
            why="text after a closing quote is a broken row")
    hostile("quote_inside_value.csv", "events", "user_id,event,screen,ts\nu1,view,5\" screen,2024-01-01\n"
            "u2,view,7\" screen,2024-01-02\n", ok(2),
            why="a quote in the middle of an unquoted value is just a character")
    hostile("multiline_quoted.csv", "feedback", 'id,text\nf1,"first line\nsecond line"\nf2,"a, b"\n'
            'f3,"x\r\ny"\n', ok(3), why="quoted values may span lines; each is one row")

    # --- line endings, blank lines, columns
    hostile("crlf_final_lf.csv", "events", (EV + three).replace("\n", "\r\n")[:-2] + "\n"
            + "u4,view,2024-01-04\n", ok(4), why="CRLF lines with a final LF line")
    hostile("crlf.csv", "events", (EV + three).replace("\n", "\r\n"), ok(3), why="Windows line endings")
    hostile("cr_only.csv", "events", (EV + three).replace("\n", "\r"), ok(3), why="old Mac line endings")
    hostile("no_final_newline.csv", "events", (EV + three)[:-1], ok(3), why="last line without a newline")
    hostile("blank_lines.csv", "events", EV + "\nu1,view,2024-01-01\n\n\nu2,view,2024-01-02\n\n", ok(2),
            why="blank lines are not rows")
    hostile("leading_blank_lines.csv", "events", "\n\n" + EV + three, ok(3),
            why="blank lines before the header")
    hostile("trailing_delimiter.csv", "events", "user_id,event,ts,\nu1,view,2024-01-01,\n"
            "u2,view,2024-01-02,\n", ok(2), why="every line ends with a comma")
    hostile("too_many_columns.csv", "events", EV + "u1,view,2024-01-01\nu2,view,2024-01-02,extra,more\n"
            "u3,view,2024-01-03\nu4,view,2024-01-04\n",
            rows(4, 3, {"malformed csv line (too many columns)": 1}, [2]), why="one long line")
    hostile("missing_columns.csv", "events", EV + "u1,view,2024-01-01\nu2,view\nu3,view,2024-01-03\n"
            "u4,view,2024-01-04\n", rows(4, 3, {"malformed csv line (missing columns)": 1}, [2]),
            why="one short line")
    hostile("duplicate_headers.csv", "events", "user_id,event,ts,note,note\nu1,a,2024-01-01,x,y\n"
            "u2,b,2024-01-02,x,y\n", ok(2), why="two columns with the same name")

    # --- delimiters and encodings
    hostile("semicolon_decimal_comma.csv", "events", "user_id;event;ts;amount\nu1;buy;2024-01-01;1,5\n"
            "u2;buy;2024-01-02;2,25\nu3;buy;2024-01-03;10,0\n", ok(3), why="semicolons, decimal commas")
    hostile("tab.tsv", "events", (EV + three).replace(",", "\t"), ok(3), why="tab-separated")
    hostile("pipe.csv", "events", (EV + three).replace(",", "|"), ok(3), why="pipe-separated")
    hostile("whitespace_aligned.txt", "events", "user_id   event    ts\n  u1      view     2024-01-01\n"
            "  u2      click    2024-01-02\n  u3      buy      2024-01-03\n", ok(3),
            why="columns aligned with runs of spaces")
    hostile("utf8_bom.csv", "events", codecs.BOM_UTF8 + (EV + three).encode(), ok(3), why="UTF-8 with BOM")
    hostile("utf16_bom.csv", "events", (EV + three).encode("utf-16"), ok(3), why="UTF-16 with BOM")
    hostile("latin1.csv", "users", "user_id,name\nu1,Zoë\nu2,José\nu3,Ærø\n".encode("latin-1"), ok(3),
            why="Latin-1 accents")
    hostile("gbk.csv", "feedback", "编号,内容\nf1,很好吃\nf2,太慢了\nf3,一般般\n".encode("gbk"), ok(3),
            why="GBK Chinese")
    hostile("gzip.csv.gz", "events", gzip.compress((EV + three).encode(), mtime=0), ok(3), why="gzip CSV")
    rnd = random.Random(5)
    hostile("binary_garbage.csv", "events", bytes(rnd.getrandbits(8) for _ in range(2000)),
            error("not a text/CSV file"), why="random bytes")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10" + bytes(range(256))
    hostile("png_renamed.csv", "events", png, error("not a text/CSV file"), why="an image with a .csv name")
    hostile("empty.csv", "events", b"", error("is empty"), why="zero bytes")
    hostile("header_only.csv", "events", EV, error("no data rows"), why="a header and nothing else")

    # --- times
    hostile("yyyymmdd.csv", "events", EV + "u1,buy,19970101\nu2,buy,19970215\nu3,buy,19970331\n",
            ok(3, ts_min="1997-01-01", ts_max="1997-03-31"), why="integer dates are dates, not 1970")
    hostile("yyyymm.csv", "events", EV + "u1,buy,199701\nu2,buy,199712\n",
            ok(2, ts_min="1997-01-01", ts_max="1997-12-01"), why="year and month")
    hostile("yyyymmddhhmmss.csv", "events", EV + "u1,buy,19970101083000\nu2,buy,19970102120000\n",
            ok(2, ts_min="1997-01-01", ts_max="1997-01-02"), why="integer date and time")
    hostile("impossible_integer_date.csv", "events", EV + "u1,buy,19970101\nu2,buy,19970230\n"
            "u3,buy,19970301\n", rows(3, 2, {"unparseable ts": 1}, [2]), why="February 30th")
    hostile("year_10000.csv", "events", EV + "u1,a,2024-01-01\nu2,a,10000-01-01\nu3,a,2024-01-03\n",
            rows(3, 2, {"ts out of range (allowed 1970-01-01 to 2100-01-01)": 1}, [2]),
            why="a date no metric can handle")
    hostile("year_1900.csv", "events", EV + "u1,a,2024-01-01\nu2,a,1900-05-01\nu3,a,2024-01-03\n",
            rows(3, 2, {"ts out of range (allowed 1970-01-01 to 2100-01-01)": 1}, [2]), why="before 1970")
    hostile("year_1900.csv", "events", None, ok(3), options={"allow_dates": "1900..2100"},
            why="--allow-dates widens the window")
    hostile("negative_epoch.csv", "events", EV + "u1,a,1538405774\nu2,a,-86400\nu3,a,1538405775\n",
            rows(3, 2, {"ts out of range (allowed 1970-01-01 to 2100-01-01)": 1}, [2]),
            why="an epoch before 1970")

    # --- ids
    hostile("blank_unicode_ids.csv", "events", EV + "u1,a,2024-01-01\n\t,a,2024-01-01\n\u00a0,a,2024-01-01\n"
            "\u200b,a,2024-01-01\nu5,a,2024-01-01\nu6,a,2024-01-01\nu7,a,2024-01-01\n",
            rows(7, 4, {"missing user_id": 3}, [2, 3, 4]), why="a tab, a no-break space, a zero-width space")
    hostile("nul_in_id.csv", "events", EV + "u1,a,2024-01-01\nu\x002,a,2024-01-01\nu3,a,2024-01-01\n"
            "u4,a,2024-01-01\n", rows(4, 3, {"user_id contains a NUL character": 1}, [2]),
            why="a NUL byte inside an id")
    hostile("nan_id.parquet", "events", None, rows(3, 2, {"missing user_id": 1}, [2]),
            why="a Parquet NaN is a missing id, not the user 'nan'")

    # --- Kano
    hostile("kano_minus_one.csv", "kano", "respondent,feature,functional,dysfunctional\nr1,Export,1,5\n"
            "r2,Export,-1,5\nr3,Export,2,5\nr4,Export,3.0,5\n",
            rows(4, 3, {"unrecognised functional answer": 1}, [2]), why="-1 is not the answer 1 (like)")
    hostile("kano_importance_range.csv", "kano", "respondent,feature,functional,dysfunctional,importance\n"
            "r1,Export,1,5,9\nr2,Export,1,5,999\nr3,Export,1,5,-5\nr4,Export,1,5,3\nr5,Export,1,5,10\n",
            rows(5, 3, {"importance out of range (0 to 10)": 2}, [2, 3]), why="importance off the scale")
    hostile("kano_wide_rowid.csv", "kano", "rowid,Export_functional,Export_dysfunctional,Sync_functional,"
            "Sync_dysfunctional\n1,I like it,I dislike it,I expect it,I dislike it\n"
            "2,I am neutral,I dislike it,I like it,I can live with it\n", ok(4),
            why="a column called rowid in a wide survey")

    # --- requirements and feedback numbers
    hostile("requirements_bad_numbers.csv", "requirements",
            "req_id,title,reach,impact,confidence,effort\nR1,A,100,2,80%,2\nR2,B,100,2,1,0\nR3,C,100,2,1,-3\n"
            "R4,D,1e308,2,1,1\nR5,E,50,1,0.5,1\nR6,F,10,3,1,0.5\nR7,G,7,1,1,4\n",
            rows(7, 4, {"effort out of range (above 0, at most 1e12)": 2,
                        "reach out of range (0 to 1e12)": 1}, [2, 3, 4]),
            why="effort 0 and -3, reach 1e308")
    hostile("feedback_scores.csv", "feedback", "id,text,rating,nps\nf1,good,5,9\nf2,bad,1,11\n"
            "f3,meh,1e300,5\nf4,fine,4,10\nf5,ok,3,0\n",
            rows(5, 3, {"score_0_10 out of range (0 to 10)": 1, "rating out of range (-1e12 to 1e12)": 1},
                 [2, 3]), why="NPS 11 and an absurd rating")

    # --- mapping
    slack = io.StringIO()
    w = csv.writer(slack)
    w.writerow(["user", "type", "name", "ts", "text"])
    for i in range(1, 11):
        w.writerow([f"U{i % 3}", "message", "general" if i == 4 else "", f"{1585060061 + i}.000100",
                    f"hi {i}"])
    hostile("sparse_name_column.csv", "events", slack.getvalue(), ok(10),
            why="event must come from the filled `type`, not the nearly empty `name`")
    mostly = EV + "".join(f"u{i},{'open' if i in (3, 7) else ''},2024-01-0{1 + i % 9}\n"
                          for i in range(1, 11))
    hostile("mostly_missing_event.csv", "events", mostly, error("8 of 10 rows (80%) would be rejected"),
            why="a load that would reject most rows is refused")
    hostile("mostly_missing_event.csv", "events", None, rows(10, 2, {"missing event": 8}),
            options={"max_reject_share": 1.0}, why="... unless the share is allowed")

    # --- workbooks
    formula_workbook(HERE / "hostile" / "xlsx_uncached_formula.xlsx")
    hostile("xlsx_uncached_formula.xlsx", "events", None,
            rows(4, 3, {"formula without a saved value in event (open and save the workbook in Excel, "
                        "or export it as CSV)": 1}, [2]),
            why="a formula nobody calculated, in a needed column (row 2) and in an unused one (row 3)")
    second_sheet_workbook(HERE / "hostile" / "xlsx_data_on_sheet2.xlsx")
    hostile("xlsx_data_on_sheet2.xlsx", "events", None, error("the workbook's sheets are 'Notes', 'Data'"),
            why="the first sheet is empty")
    hostile("xlsx_data_on_sheet2.xlsx", "events", None, ok(3), options={"sheet": "Data"},
            why="--sheet picks the sheet with the data")
    nan_parquet(HERE / "hostile" / "nan_id.parquet")


def formula_workbook(out: Path) -> None:
    """user_id, event, ts, total; row 2's event and row 3's total are formulas without saved values."""
    import openpyxl

    book = openpyxl.Workbook()
    book.properties.created = book.properties.modified = FIXED
    sheet = book.active
    sheet.title = "Events"
    sheet.append(["user_id", "event", "ts", "total"])
    sheet.append(["u1", "view", "2024-01-01", 1])
    sheet.append(["u2", '=CONCATENATE("vi","ew")', "2024-01-02", 2])
    sheet.append(["u3", "view", "2024-01-03", "=D2+D3"])
    sheet.append(["u4", "buy", "2024-01-04", 4])
    buf = io.BytesIO()
    book.save(buf)
    _fixed_zip(buf.getvalue(), out)


def _fixed_zip(data: bytes, out: Path) -> None:
    """The same workbook with fixed member dates and modification time (openpyxl stamps the save)."""
    import re
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0)), body,
                         compress_type=zipfile.ZIP_DEFLATED)


def second_sheet_workbook(out: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(out))
    book.set_properties({"created": FIXED})
    book.add_worksheet("Notes")
    data = book.add_worksheet("Data")
    data.write_row(0, 0, ["user_id", "event", "ts"])
    for i in range(1, 4):
        data.write_row(i, 0, [f"u{i}", "view", f"2024-01-0{i}"])
    book.close()


def nan_parquet(out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"user_id": pa.array([17850.0, float("nan"), 13047.0]),
                      "event": ["buy", "buy", "buy"], "ts": ["2024-01-01", "2024-01-02", "2024-01-03"]})
    pq.write_table(table, out)


def main() -> None:
    real = HERE / "real_shaped"
    real.mkdir(parents=True, exist_ok=True)
    slack_export(real / "slack_export.csv")
    purchase_log(real / "purchase_log.txt")
    app_reviews(real / "app_reviews.xlsx")
    gbk_reviews(real / "gbk_reviews.csv")
    write_hostile()
    (HERE / "hostile" / "manifest.json").write_text(json.dumps({"files": MANIFEST}, ensure_ascii=False,
                                                               indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
