"""The item analysis page (admins only): Moodle's statistics from real attempts, first
attempts by default or all of them, every table as CSV."""
from __future__ import annotations

import csv
import io
import re
import shutil
import statistics

import pytest
import yaml
from grading_support import SCREENING, finished_attempts, grade_all
from helpers import BANKS, FIXED_NOW

PASSWORD = "correct horse battery"
MINI = "mini-check"
C1, C3, P2 = ("starter/starter-choice-01 v1", "starter/starter-choice-03 v1",
              "starter/starter-pairwise-02 v1")


@pytest.fixture
def mini(app, tmp_path):
    """The test banks plus a fixed three-item form (no shuffling, no written parts, no
    cooldown): every attempt sees the same items, so the figures can be worked out by hand."""
    from assess.services.banks import import_paths
    folder = tmp_path / "banks"
    shutil.copytree(BANKS, folder)
    (folder / "assessments" / f"{MINI}.yaml").write_text(yaml.safe_dump({
        "assessment": MINI, "title": "Mini check", "domain": "general", "mode": "timed",
        "time_limit_minutes": 20, "attempts_allowed": 2, "cooldown_hours": 0,
        "shuffle_items": False, "description": "Three questions.", "instructions": "Answer.",
        "sections": [{"id": "all", "title": "All", "draw": 3, "from": {
            "banks": ["starter"],
            "items": ["starter-choice-01", "starter-choice-03", "starter-pairwise-02"]}}],
        "tiers": []}, sort_keys=False))
    with app.app_context():
        import_paths([folder], now=FIXED_NOW)


def take(app, user_id, answers):
    """One attempt at the mini check with ``answers`` by item slug (None: left blank)."""
    from assess.services.attempts import save_answer, start_attempt, submit
    with app.app_context():
        attempt = start_attempt(user_id, MINI, FIXED_NOW, seed=7)
        for response in attempt.responses:
            answer = answers.get(response.item_version.content["id"])
            if answer is not None:
                save_answer(attempt.id, user_id, response.position, answer, 1, FIXED_NOW)
        submit(attempt.id, user_id, FIXED_NOW)


RIGHT = {"starter-choice-01": {"selected": ["b"]}, "starter-choice-03": {"selected": ["c"]},
         "starter-pairwise-02": {"choice": "A", "strength": 3}}
# Four applicants. Scores on (choice-01, choice-03, pairwise-02) and totals:
#   u0  1 1 1    T 3      (all right)
#   u1  1 0 .5   T 1.5    (pairwise: right side, wrong strength)
#   u2  0 1 0    T 1
#   u3  0 0 0    T 0      (pairwise left blank) — then a second attempt, all right: T 3
X1, X2, X3 = [1, 1, 0, 0], [1, 0, 1, 0], [1, 0.5, 0, 0]
T = [a + b + c for a, b, c in zip(X1, X2, X3)]


@pytest.fixture
def attempts(app, make_user, mini):
    users = [make_user(f"u{n}@example.org") for n in range(4)]
    take(app, users[0], RIGHT)
    take(app, users[1], {**RIGHT, "starter-choice-03": {"selected": ["a"]},
                         "starter-pairwise-02": {"choice": "A", "strength": 1}})
    take(app, users[2], {**RIGHT, "starter-choice-01": {"selected": ["a"]},
                         "starter-pairwise-02": {"choice": "B", "strength": 2}})
    take(app, users[3], {"starter-choice-01": {"selected": ["a"]},
                         "starter-choice-03": {"selected": ["d"]}})
    take(app, users[3], RIGHT)  # a second attempt: left out by default
    return users


def sign_in(client, make_user, role="admin"):
    email = f"{role}@example.org"
    make_user(email, role)
    client.post("/auth/logout")
    reply = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert reply.status_code == 302


def row(page: str, label: str) -> list[str]:
    """The cells of the table row headed by ``label`` (tags stripped)."""
    found = re.search(r"<tr[^>]*>\s*<th scope=\"row\"><code>" + re.escape(label)
                      + r"</code>.*?</tr>", page, re.S)
    assert found, f"no row for {label}"
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", found.group(0), re.S)]


def test_only_admins_see_the_analysis(client, make_user, mini):
    url = f"/admin/assessments/{MINI}/analysis"
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    assert client.get(url + ".csv?table=items").status_code == 302
    for role in ("applicant", "grader", "lead"):
        sign_in(client, make_user, role)
        assert client.get(url).status_code == 403
        assert client.get(url + ".csv?table=items").status_code == 403
    sign_in(client, make_user)
    assert client.get(url).status_code == 200
    assert client.get("/admin/assessments/no-such-thing/analysis").status_code == 404


def test_the_assessments_page_links_to_each_analysis(client, make_user, mini):
    sign_in(client, make_user)
    page = client.get("/admin/assessments").text
    assert f'href="/admin/assessments/{MINI}/analysis"' in page
    assert f'href="/admin/assessments/{SCREENING}/analysis"' in page


def test_the_page_shows_the_figures_of_the_first_attempts(client, make_user, attempts):
    sign_in(client, make_user)
    page = client.get(f"/admin/assessments/{MINI}/analysis").text
    assert "from 4 scored attempts" in page
    assert 'aria-current="page">first attempts only' in page
    # Test statistics: mean 5.5/4 = 1.375 points, 45.8% of 3; median (1 + 1.5)/2 = 1.25
    assert re.search(r"Mean score</th><td class=\"num\">1.38</td><td class=\"num\">45.8%", page)
    assert re.search(r"Median score</th><td class=\"num\">1.25</td>", page)
    assert f'<td class="num">{statistics.stdev(T):.2f}</td>' in page
    # Every attempt saw every item: the CIC is over the three items.
    cic = 3 / 2 * (1 - sum(statistics.variance(x) for x in (X1, X2, X3)) / statistics.variance(T))
    assert f"{cic * 100:.1f}%" in page and "over 3 items" in page
    # Items: attempts, facility, SD, random guess, IW, EW, discrimination, DE, flags.
    for label, x, top, guess in ((C1, X1, 1, 0.25), (C3, X2, 1, 0.25), (P2, X3, 1, None)):
        cells = row(page, label)
        assert cells[1] == "4"  # attempts
        assert cells[2] == f"{statistics.mean(x) / top * 100:.1f}%"  # facility
        assert cells[3] == f"{statistics.stdev(x) / top * 100:.1f}%"  # SD
        if guess is not None:
            assert cells[4] == f"{guess * 100:.1f}%"
        assert cells[5] == "33.3%"  # intended weight: 1 of 3 points
        rest = [t - v for t, v in zip(T, x)]
        assert cells[7] == f"{statistics.correlation(x, rest):.2f}"  # discrimination
    assert row(page, P2)[2] == "37.5%"  # 1.5 / 4
    # The pairwise item: 1 + 0.5 + 0 + 0 of 4, and its distractors say what was picked.
    assert "A · much" in page and "(no answer)" in page


def test_all_attempts_count_the_retake(client, make_user, attempts):
    sign_in(client, make_user)
    page = client.get(f"/admin/assessments/{MINI}/analysis?attempts=all").text
    assert "from 5 scored attempts" in page
    assert 'aria-current="page">all attempts' in page
    assert row(page, C1)[1] == "5" and row(page, C1)[2] == "60.0%"  # 3 of 5 right
    assert "attempts=all" in re.search(r'href="([^"]*table=items[^"]*)"', page).group(1)


def test_flagged_items_are_highlighted(client, make_user, attempts):
    sign_in(client, make_user)
    page = client.get(f"/admin/assessments/{MINI}/analysis").text
    # choice-03: right for u0 and u2 (T 3 and 1), wrong for u1 (1.5) and u3 (0):
    # r(x, X) over X = 2, 1.5, 0, 0 is low.
    rest = [t - v for t, v in zip(T, X2)]
    assert statistics.correlation(X2, rest) < 0.2
    assert re.search(r'<tr class="flagged"><th scope="row"><code>' + re.escape(C3), page)
    assert "Discriminates poorly" in page
    assert not re.search(r'<tr class="flagged"><th scope="row"><code>' + re.escape(C1), page)


def test_every_table_downloads_as_csv(client, make_user, attempts):
    sign_in(client, make_user)
    base = f"/admin/assessments/{MINI}/analysis.csv"
    for table in ("test", "items", "parts", "skills", "dimensions", "distractors"):
        reply = client.get(f"{base}?table={table}")
        assert reply.status_code == 200 and reply.mimetype == "text/csv"
        assert reply.headers["Content-Disposition"] == \
            f'attachment; filename="{MINI}-{table}.csv"'
        assert reply.text.splitlines()[0]  # a header row
    items = list(csv.DictReader(io.StringIO(client.get(f"{base}?table=items").text)))
    assert [r["label"] for r in items] == [C1, C3, P2]
    assert float(items[0]["facility"]) == 0.5 and items[0]["n"] == "4"
    assert float(items[2]["facility"]) == 0.375
    assert float(items[0]["discrimination"]) == pytest.approx(
        statistics.correlation(X1, [t - v for t, v in zip(T, X1)]), abs=1e-6)
    assert items[1]["flags"] == "low_discrimination"
    test = next(csv.DictReader(io.StringIO(client.get(f"{base}?table=test").text)))
    assert test["attempts"] == "4" and float(test["mean"]) == 1.375
    assert float(test["median"]) == 1.25 and test["cic_basis"] == "items"
    picks = list(csv.DictReader(io.StringIO(client.get(f"{base}?table=distractors").text)))
    choice = {r["answer"]: r for r in picks if r["item_label"] == C1}
    assert (choice["a"]["count"], choice["b"]["count"], choice["b"]["correct"]) == ("2", "2", "yes")
    assert float(choice["b"]["mean_score"]) == pytest.approx((3 / 3 + 1.5 / 3) / 2)
    everyone = client.get(f"{base}?table=items&attempts=all")
    assert everyone.headers["Content-Disposition"] == \
        f'attachment; filename="{MINI}-items-all-attempts.csv"'
    assert list(csv.DictReader(io.StringIO(everyone.text)))[0]["n"] == "5"
    assert client.get(f"{base}?table=nonsense").status_code == 404


def test_written_parts_skills_and_rubric_dimensions_of_the_screening(app, client, make_user,
                                                                     quiet):
    from assess.services.banks import import_paths
    with app.app_context():
        import_paths([BANKS], now=FIXED_NOW)
    finished_attempts(app, make_user, 3)
    for n in (1, 2):  # tasks that could decide a tier are marked twice
        grade_all(app, make_user(f"grader{n}@example.org", "grader"))
    sign_in(client, make_user)
    page = client.get(f"/admin/assessments/{SCREENING}/analysis").text
    assert "from 3 scored attempts" in page
    assert "· justification</code>" in page and "· keyed</code>" in page
    assert "Written reasoning" in page and "Judgment" in page  # skills
    assert "rubric starter/justification v1</code> · decisive" in page  # a grader's criterion
    assert "Rubric dimension “accuracy”: gold level × level chosen" in page
    assert "Fact-check claims: gold label × label chosen" in page
    # Items are drawn at random: the CIC is over slots.
    assert "slots (the k-th item drawn in each section)" in page
    parts = list(csv.DictReader(io.StringIO(client.get(
        f"/admin/assessments/{SCREENING}/analysis.csv?table=parts").text)))
    written = [p for p in parts if p["kind"] == "justification"]
    assert written and all(float(p["facility"]) == 1.0 for p in written)  # top levels
    assert all(p["random_guess"] == "0.0" for p in written)  # a guesser writes nothing
    dims = list(csv.DictReader(io.StringIO(client.get(
        f"/admin/assessments/{SCREENING}/analysis.csv?table=dimensions").text)))
    assert {d["source"] for d in dims} == {"item", "rubric"}


@pytest.fixture
def large(monkeypatch):
    """Every analysis counts as large: the page shows the test and its items, and links to
    the other tables."""
    from assess.services import analysis
    monkeypatch.setattr(analysis, "INLINE", 0)


def test_a_large_analysis_links_to_the_tables_it_leaves_out(client, make_user, attempts,
                                                             large):
    sign_in(client, make_user)
    page = client.get(f"/admin/assessments/{MINI}/analysis").text
    assert "from 4 scored attempts" in page
    assert re.search(r"Mean score</th><td class=\"num\">1.38</td><td class=\"num\">45.8%", page)
    assert row(page, C1)[2] == "50.0%" and row(page, P2)[2] == "37.5%"  # the same figures
    assert 'id="parts"' not in page and 'id="skills"' not in page
    assert "A · much" not in page  # no distractor table: the answers were not read
    assert f'href="/admin/assessments/{MINI}/analysis/details"' in page
    assert f'href="/admin/assessments/{MINI}/analysis/distractors"' in page
    details = client.get(f"/admin/assessments/{MINI}/analysis/details").text
    assert 'id="parts"' in details and 'id="skills"' in details and "Rubric dimensions" in details
    assert row(details, f"{C1} · keyed")[2] == "50.0%"
    picks = client.get(f"/admin/assessments/{MINI}/analysis/distractors").text
    assert "A · much" in picks and "(no answer)" in picks
    everyone = client.get(f"/admin/assessments/{MINI}/analysis/distractors?attempts=all").text
    assert 'aria-current="page">all attempts' in everyone
    for table in ("test", "items", "parts", "skills", "dimensions", "distractors"):
        reply = client.get(f"/admin/assessments/{MINI}/analysis.csv?table={table}")
        assert reply.status_code == 200 and reply.text.splitlines()[0]


def test_the_confusion_matrices_of_a_large_screening_are_with_the_distractors(
        app, client, make_user, quiet, large):
    from assess.services.banks import import_paths
    with app.app_context():
        import_paths([BANKS], now=FIXED_NOW)
    finished_attempts(app, make_user, 2)
    grade_all(app, make_user("grader@example.org", "grader"))
    sign_in(client, make_user)
    assert "gold level × level chosen" not in client.get(
        f"/admin/assessments/{SCREENING}/analysis").text
    details = client.get(f"/admin/assessments/{SCREENING}/analysis/details").text
    assert "rubric starter/justification v1</code> · decisive" in details
    picks = client.get(f"/admin/assessments/{SCREENING}/analysis/distractors").text
    assert "Rubric dimension “accuracy”: gold level × level chosen" in picks
    assert "Fact-check claims: gold label × label chosen" in picks


def test_only_admins_see_the_pages_a_large_analysis_links_to(client, make_user, mini, large):
    for role in ("grader", "admin"):
        make_user(f"{role}@example.org", role)

    def log_in(role):
        client.post("/auth/logout")
        reply = client.post("/auth/login", data={"email": f"{role}@example.org",
                                                 "password": PASSWORD})
        assert reply.status_code == 302
    for path in ("details", "distractors"):
        url = f"/admin/assessments/{MINI}/analysis/{path}"
        client.post("/auth/logout")
        assert client.get(url).status_code == 302
        log_in("grader")
        assert client.get(url).status_code == 403
        log_in("admin")
        assert client.get(url).status_code == 200
        assert client.get(f"/admin/assessments/nope/analysis/{path}").status_code == 404


def test_a_large_analysis_page_stays_the_same_once_every_table_is_computed(
        client, make_user, attempts, large):
    sign_in(client, make_user)

    def content():
        page = client.get(f"/admin/assessments/{MINI}/analysis").text
        return page[page.index("<h1>"):page.index("</main>")]
    before = content()
    client.get(f"/admin/assessments/{MINI}/analysis/details")  # the cached report grows
    assert content() == before
