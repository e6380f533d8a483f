"""Feedback vocabulary: per-persona topics, sentence templates and the synonyms that fill them.

A feedback text is composed from an optional opener (by rating), one or two topic sentences of
the author's persona, and an optional closer; ``{slot}`` placeholders are filled from ``SLOTS``.
Each persona speaks of its own needs in its own words, so text clustering can find it again.
"""

from __future__ import annotations

SLOTS: dict[str, list[str]] = {
    "app": ["Tasklane", "the app", "this app", "Tasklane"],
    "phone": ["my phone", "my iPhone", "my Android phone", "my Pixel", "my Galaxy", "my phone"],
    "commute": ["on the subway", "on the train", "on a flight", "in the metro", "on the plane",
                "in the mountains", "in the underground"],
    "please": ["Please", "Please please", "Would love it if you could", "Could you", "I wish you would"],
    "widget": ["a home screen widget", "a widget", "a lock screen widget", "an iOS widget",
               "an Android widget"],
    "reminder": ["reminders", "recurring reminders", "location reminders", "repeat reminders",
                 "due date reminders"],
    "personal": ["personal to-dos", "groceries and errands", "my daily list", "household chores",
                 "my side projects", "bills and appointments", "my study plan"],
    "team": ["my team", "our team", "the squad", "my designers", "the engineers", "my reports",
             "our agency team"],
    "overload": ["who is overloaded", "who has too much on their plate", "who has capacity",
                 "how busy everyone is", "the workload of each person"],
    "notif": ["notifications", "email notifications", "the notification emails", "push notifications",
              "alerts"],
    "tool": ["Jira", "Slack", "GitHub", "Jira", "GitHub", "Slack", "GitLab", "Linear"],
    "api": ["the API", "a public API", "webhooks", "an API with webhooks", "the REST API"],
    "shortcut": ["keyboard shortcuts", "shortcuts", "a command palette", "hotkeys"],
    "bulk": ["bulk edit", "editing many tasks at once", "multi-select", "bulk actions",
             "changing 50 tasks at once"],
    "export": ["CSV export", "the export", "exporting reports", "the report export", "JSON export"],
    "onboard": ["the onboarding", "the setup", "the first steps", "the welcome tour", "getting started"],
    "price": ["the price", "the pricing", "the new price", "the Pro price", "the subscription"],
    "expensive": ["too expensive", "way too pricey", "not worth the money", "overpriced",
                  "too much for what it does"],
    "sso": ["SSO", "single sign-on", "SAML SSO", "Okta login", "Azure AD login"],
    "audit": ["an audit log", "audit logs", "an activity log for admins", "a change history for admins"],
    "security": ["our security team", "IT security", "our compliance team", "the CISO", "procurement"],
    "crash": ["crashes", "keeps crashing", "crashed twice today", "force closes", "freezes and crashes"],
    "lost": ["disappeared", "vanished", "got duplicated", "reverted to an old version", "went missing"],
    "upload": ["uploading a photo", "attaching a PDF", "adding a file", "attaching a screenshot"],
    "version": ["since the last update", "after updating", "since version 4.2", "on the latest version",
                "this week"],
}

# persona -> [(topic, weight, rating shift, templates)]
PERSONA_TOPICS: dict[str, list[tuple[str, float, float, list[str]]]] = {
    "solo_planner": [
        ("offline", 3, -0.4, [
            "I use {app} {commute} and without signal I cannot add anything. {please} add an offline mode.",
            "Offline mode is the one thing missing: {commute} the app just shows a spinner.",
            "No offline mode means my list is useless {commute}.",
            "{please} make it work offline, I plan my day {commute}.",
        ]),
        ("widget", 2, 0.0, [
            "{please} add {widget} so I can see today's tasks without opening {app}.",
            "Missing {widget} for quick add on {phone}.",
            "The only thing I miss is {widget} showing my daily list.",
        ]),
        ("reminders", 3, -0.1, [
            "I need better {reminder} for {personal}.",
            "{please} add {reminder}, I keep forgetting {personal}.",
            "{reminder} do not fire reliably on {phone}.",
            "Great for {personal} but the {reminder} need snooze options.",
        ]),
        ("simple", 3, 0.7, [
            "Simple and clean, perfect for {personal}.",
            "I use {app} on {phone} every morning to plan {personal}.",
            "Quick add on mobile is fast and I love the minimal design for {personal}.",
            "Finally a to-do app that stays out of my way for {personal}.",
        ]),
        ("calendar", 1, 0.0, [
            "I would like to see my tasks in my personal calendar next to my appointments.",
            "Calendar view on {phone} would help me plan {personal}.",
        ]),
    ],
    "team_lead": [
        ("workload", 3, -0.1, [
            "As a team lead I need a workload view to see {overload}.",
            "Hard to tell {overload} in {team}; a capacity or workload view would help.",
            "{please} add a workload view, I plan sprints for {team} and cannot see {overload}.",
            "I spend Monday mornings in spreadsheets working out {overload}.",
        ]),
        ("permissions", 2, -0.3, [
            "We need permissions per project: guests should not see everything.",
            "{please} add roles and guest access so I can invite clients without exposing {team}'s work.",
            "Permissions are too coarse for {team}, everyone can delete everything.",
        ]),
        ("notifications", 3, -0.5, [
            "Way too many {notif}, {team} started ignoring them.",
            "{please} add a daily digest instead of all the {notif}.",
            "The {notif} are noisy and I miss the important mentions.",
            "I get twenty {notif} per hour, let me choose per project.",
        ]),
        ("collab", 3, 0.6, [
            "Comments and mentions keep {team} on the same page.",
            "Assigning tasks and commenting works great for {team}.",
            "Inviting {team} was easy and our standups are shorter now.",
            "Shared projects replaced our weekly status meeting for {team}.",
        ]),
    ],
    "integrator": [
        ("integrations", 4, -0.3, [
            "{please} add a two-way {tool} sync, I copy issues by hand every day.",
            "The {tool} integration is one-way and misses comments.",
            "Without proper {tool} sync I have to keep two tools open.",
            "The {tool} integration breaks when a status changes, {please} fix it.",
            "Our engineers live in {tool}; a real {tool} integration would be a reason to upgrade.",
        ]),
        ("api", 2, -0.2, [
            "I need {api} to automate task creation from our scripts.",
            "{please} publish {api}; I want to pipe our monitoring alerts into tasks.",
            "{api} is missing rate limit docs and pagination.",
        ]),
        ("power", 3, -0.1, [
            "Missing {shortcut} and {bulk}, everything takes too many clicks.",
            "{please} add {bulk}, moving tasks between projects one by one is painful.",
            "Power users need {shortcut}; I never want to touch the mouse.",
            "{bulk} and {shortcut} would make this a real tool for power users.",
        ]),
        ("reporting", 2, 0.0, [
            "{export} is great but I need scheduled exports to our BI tool.",
            "Reports are good, {export} drops the custom fields though.",
            "I export reports every Friday; {export} should keep filters.",
        ]),
        ("search", 2, 0.2, [
            "Search is fast but needs filters by assignee and label.",
            "Search across comments and attachments would save me time.",
        ]),
    ],
    "casual_churner": [
        ("onboarding", 4, -0.8, [
            "{onboard} was confusing, I did not know where to start.",
            "Too many steps in {onboard}; I gave up before creating a project.",
            "I signed up, saw an empty project and had no idea what to do next.",
            "Confusing setup, too many screens before I could add a single task.",
            "{onboard} asks for too much before showing anything useful.",
        ]),
        ("pricing", 3, -1.0, [
            "{price} is {expensive}.",
            "After the price change {app} is {expensive} for a simple to-do list.",
            "The free plan is too limited and Pro is {expensive}.",
            "Cancelled: {price} went up and I only need a few lists.",
        ]),
        ("notneeded", 2, -0.4, [
            "Tried it for a week, did not really need it.",
            "I went back to pen and paper, {app} felt like too much.",
            "Uninstalled, too complicated for what I need.",
            "Nice idea but I stopped using it after a few days.",
        ]),
    ],
    "enterprise_admin": [
        ("sso", 4, -0.4, [
            "{security} will not approve {app} without {sso}.",
            "We need {sso} and SCIM provisioning before rolling out to 300 people.",
            "{sso} is a hard requirement for us, {please} prioritise it.",
            "Managing passwords for hundreds of users is not acceptable, we need {sso}.",
        ]),
        ("audit", 3, -0.3, [
            "{security} asked for {audit} of who changed or deleted what.",
            "Without {audit} we fail our compliance review.",
            "{please} add {audit} with export for our auditors.",
        ]),
        ("dataexport", 2, -0.2, [
            "We need a full data export of all projects for retention and backup.",
            "Data export is required by our policy, {export} only covers one project.",
            "{security} requires a full export of our data before signing.",
        ]),
        ("twofactor", 2, -0.1, [
            "We must enforce two-factor authentication for all accounts.",
            "Admins need to require 2FA for the whole workspace.",
        ]),
        ("admin_ok", 2, 0.5, [
            "Rollout went smoothly and the admin console is clear.",
            "User management is decent; security features are what we still need.",
        ]),
    ],
}

PERSONA_BASE_RATING = {"solo_planner": 3.9, "team_lead": 3.6, "integrator": 3.4, "casual_churner": 2.1,
                       "enterprise_admin": 3.3}

OPENERS = {
    "low": ["Very frustrated.", "Disappointed.", "Not happy.", "Honestly annoyed.", "Meh.",
            "Two stars for now.", ""],
    "mid": ["It's okay.", "Decent app.", "Some good parts.", "Mixed feelings.", "Works mostly.", ""],
    "high": ["Love {app}!", "Great app.", "Really nice tool.", "Five stars.", "Big fan.",
             "Been using it daily.", ""],
}
CLOSERS = ["Thanks!", "Keep it up.", "Otherwise great.", "Would recommend otherwise.",
           "Fix this and I'll upgrade.", "Thanks for listening.", "Cheers."]

NOISE_SHORT = ["love it", "Love it!", "great app", "good", "ok", "meh", "nice", "Awesome!!", "works",
               "useful", "Best to-do app", "not bad", "thanks", "10/10"]

BUG_REPORTS = [
    "Tasks {lost} after sync {version}.",
    "Sync is broken: tasks {lost} between {phone} and the web app.",
    "The app {crash} when {upload}.",
    "{app} {crash} on startup {version}.",
    "Edits I made offline {lost} after the sync.",
    "Duplicate tasks after sync {version}, {please} fix.",
    "Sync conflict: my changes {lost} when a colleague edited the same task.",
]

PII_TEXTS = [
    "Sync lost my tasks again, please call me back at +1 415 555 0132 to sort it out.",
    "Please contact me at jane.doe@example.com about the SSO setup for our company.",
    "The export broke my report, write to tom.becker@example.org or ring +49 30 5550 1234.",
    "Billing charged me twice, my number is (212) 555-0187, please refund.",
]

CHINESE_TEXTS = [
    "同步经常失败，任务在手机和电脑之间丢失。",
    "希望增加离线模式，在地铁上没有信号就不能用。",
    "价格太贵了，免费版功能太少。",
    "新手引导太复杂，不知道从哪里开始。",
    "很好用，界面简洁，每天都用来安排个人待办。",
    "希望能和日历同步，提醒功能也需要改进。",
    "希望增加桌面小组件，可以快速添加任务。",
    "我们团队需要查看每个人的工作量。",
    "上传文件的时候应用会崩溃。",
    "搜索速度很快，但希望能按标签筛选。",
]
