"""The plain-text news reader on the real samples: headline, dates and their sources,
publisher, live-page posts, boilerplate spans, and text kept byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import DATA
from kg.readers import DocumentError, document_kind, read_document, reader_for
from kg.readers.news import (
    boilerplate_spans,
    excluded_spans,
    find_headline,
    iso_date,
    posts_of,
    read_news,
    text_date,
)

SAMPLES = DATA / "samples"
NEWS = DATA / "news"
BBC = SAMPLES / "bbc_live_2016-12-15_aleppo_evacuation.txt"
ITV = SAMPLES / "itv_live_aleppo_turkey_border.txt"
DAILY_MAIL = SAMPLES / "dailymail_2016-12-13_aleppo_goodbye_messages.txt"
ALARABY = NEWS / "fakes_1923102885_2016-10-29_alaraby_Syria_rebels_battle_to_break_Aleppo_siege.txt"
# The text says "Thu Dec 15 2016"; the manifest says 2016-12-03.
ALALAM = NEWS / "fakes_1962495717_2016-12-03_alalam_At_Least_48_Killed_and_Injured_in_Terrorists_Mortar_Attacks_in_Aleppo.txt"
ALL_NEWS = sorted(SAMPLES.glob("*.txt")) + sorted(NEWS.glob("*.txt"))


def test_txt_files_are_news():
    assert reader_for(BBC) is read_news
    assert document_kind(BBC) == "news"
    assert read_document(DAILY_MAIL).kind == "news"


def test_thirty_fakes_articles_and_their_manifest_are_in_data():
    assert len(list(NEWS.glob("fakes_*.txt"))) == 30
    assert (NEWS / "MANIFEST_news.tsv").is_file()
    assert "FA-KES" in (DATA / "SOURCES").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ALL_NEWS, ids=lambda p: p.name[:40])
def test_clean_text_is_kept_byte_for_byte(path: Path):
    doc = read_news(path)
    assert doc.body.encode("utf-8") == path.read_bytes()
    assert "encoding_repair" not in doc.extra
    assert doc.content_hash.startswith("sha256:")
    assert doc.title and doc.extra["headline"]


def test_curly_quotes_survive():
    doc = read_news(BBC)
    assert "Twitter’s cookie policy" in doc.body
    assert "he’s just heard" in doc.body


def test_headline_is_the_first_line():
    doc = read_news(ALARABY)
    assert doc.extra["headline"] == "Syria rebels battle to break Aleppo siege"
    assert doc.title == "Syria rebels battle to break Aleppo siege"
    assert read_news(DAILY_MAIL).title == "Civilians trapped inside Aleppo post emotional goodbye messages on Aleppo"


def test_live_page_label_is_not_the_headline():
    doc = read_news(ITV)
    assert doc.title == "Thousands flee to Turkey border amid fresh fighting in Aleppo"
    assert doc.extra["page_label"] == "Live updates"
    assert find_headline("Summary\n\n  • Evacuations suspended\n")[0] == "Evacuations suspended"


def test_date_from_the_text_without_manifest(tmp_path: Path):
    copy = tmp_path / ALARABY.name
    shutil.copy(ALARABY, copy)
    doc = read_news(copy)
    assert doc.published == "2016-10-29"
    assert doc.extra["published_source"] == "text"


@pytest.mark.parametrize("text, expected", [
    ("Title\n\nDate of publication 29 October 2016 Fresh fighting", "2016-10-29"),
    ("Title\n\nDozens dead AFP Sunday 30 Oct 2016 Syrias regime", "2016-10-30"),
    ("Title\n\nNovember 4 2016 Rebel-held zone", "2016-11-04"),
    ("Title\n\nMon Oct 31 2016 Over 50 Jaysh Al Fateh", "2016-10-31"),
    ("Title\n\nSaturday 03 December 2016 17:53 Steifo:", "2016-12-03"),
    ("Title\n\nBy Reporter\nPUBLISHED: 17:26 GMT, 13 December 2016 | UPDATED: 09:01 GMT, 14 December 2016", "2016-12-13"),
    ("Title\n\nNo date here at all.", None),
])
def test_dates_written_in_the_text(text: str, expected: str | None):
    assert text_date(text) == expected


def test_manifest_wins_over_the_text():
    doc = read_news(ALALAM)
    assert "Thu Dec 15 2016" in doc.body
    assert doc.published == "2016-12-03"
    assert doc.extra["published_source"] == "manifest"
    assert doc.extra["publisher"] == "Al-Alam"
    assert doc.title == "At Least 48 Killed and Injured in Terrorists Mortar Attacks in Aleppo"


def test_every_fakes_article_gets_its_manifest_date_and_outlet():
    rows = {}
    with open(NEWS / "MANIFEST_news.tsv", encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        for line in handle:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            rows[row["file"]] = row
    for path in sorted(NEWS.glob("fakes_*.txt")):
        doc = read_news(path)
        assert doc.published == rows[path.name]["date"], path.name
        assert doc.extra["publisher"], path.name


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_sidecar_wins_over_manifest_and_text(tmp_path: Path, suffix: str):
    shutil.copy(ALALAM, tmp_path / ALALAM.name)
    shutil.copy(NEWS / "MANIFEST_news.tsv", tmp_path / "MANIFEST_news.tsv")
    sidecar = tmp_path / (ALALAM.stem + suffix)
    meta = {"title": "Mortar attacks on Aleppo", "published": "2016-12-04", "publisher": "Al-Alam News Network"}
    if suffix == ".json":
        sidecar.write_text(json.dumps(meta), encoding="utf-8")
    else:
        sidecar.write_text("".join(f"{k}: {v}\n" for k, v in meta.items()), encoding="utf-8")
    doc = read_news(tmp_path / ALALAM.name)
    assert (doc.title, doc.published, doc.extra["publisher"]) == (meta["title"], "2016-12-04", meta["publisher"])
    assert doc.extra["published_source"] == "sidecar"


def test_broken_sidecar_is_a_warning_not_a_failure(tmp_path: Path):
    shutil.copy(ALARABY, tmp_path / ALARABY.name)
    (tmp_path / (ALARABY.stem + ".json")).write_text("{not json", encoding="utf-8")
    doc = read_news(tmp_path / ALARABY.name)
    assert doc.published == "2016-10-29"
    assert "bad-sidecar" in {w.kind for w in doc.warnings}


def test_daily_mail_date_from_the_file_name_and_publisher():
    doc = read_news(DAILY_MAIL)
    assert (doc.published, doc.extra["published_source"], doc.extra["publisher"]) == ("2016-12-13", "filename", "Daily Mail")


def test_page_without_any_date_says_so():
    doc = read_news(ITV)
    assert doc.published is None
    assert "no-date" in {w.kind for w in doc.warnings}
    assert doc.extra["publisher"] == "ITV News"


def test_bbc_live_page_is_split_into_timestamped_posts():
    doc = read_news(BBC)
    posts = posts_of(doc)
    assert len(posts) == len(doc.sections) == 20
    assert doc.published == "2016-12-15"
    assert doc.extra["publisher"] == "BBC News"
    first = posts[0]
    assert first["title"] == "In pictures: The destruction in eastern Aleppo"
    assert first["published"] == "2016-12-15T08:49:00Z"
    assert posts[-1]["title"] == "More on the UK's intelligence-gathering drones"
    assert posts[-1]["published"] == "2016-12-14T15:44:00Z"
    for post, section in zip(posts, doc.sections):
        assert section.level == 2 and section.title == post["title"] and section.start == post["start"]
        assert doc.body[section.start:].startswith(section.title)
        assert post["start"] < post["end"]
    # Post timestamps run backwards, newest first, as on the page.
    stamps = [post["published"] for post in posts]
    assert stamps == sorted(stamps, reverse=True)


def test_itv_live_page_posts_have_titles_but_no_timestamps():
    doc = read_news(ITV)
    titles = [post["title"] for post in posts_of(doc)]
    assert "Kerry: Syria ceasefire still being discussed" in titles
    assert "Man feeds scores of abandoned cats in war-torn Syria" in titles
    assert all(post["published"] is None for post in posts_of(doc))
    assert not any("Credit:" in title or title.endswith(".") for title in titles)


def test_article_without_posts_has_no_sections():
    doc = read_news(ALARABY)
    assert doc.sections == [] and "posts" not in doc.extra


def _excluded_texts(doc):
    return [doc.body[start:end] for start, end in excluded_spans(doc)]


def test_bbc_boilerplate_is_excluded_and_offsets_stay_true():
    doc = read_news(BBC)
    spans = excluded_spans(doc)
    assert spans == sorted(spans)
    assert all(a_end < b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
    texts = _excluded_texts(doc)
    body = doc.body
    for notice in ("This Twitter post cannot be displayed in your browser", "Skip twitter post",
                   "Allow Twitter content?", "The BBC is not responsible for the content of external sites.",
                   "End of twitter post", "Image caption,"):
        occurrences = body.count(notice)
        assert occurrences and sum(text.count(notice) for text in texts) == occurrences, notice
    assert "Image source, Reuters" in texts and "Image source, Al Mayadeen / AP" in texts
    # Content next to a credit is not excluded: the caption before it stays.
    caption = body.index("bomb damaged eastern Aleppo")
    assert not any(start <= caption < end for start, end in spans)
    assert json.loads(doc.extra["excluded_kinds"])["embed-notice"] > 10


def test_itv_credits_are_excluded_but_not_the_caption():
    doc = read_news(ITV)
    texts = _excluded_texts(doc)
    assert "Credit: REUTERS/Hosam Katan" in texts
    assert "Credit: REUTERS/Nicholas Kamm" in texts
    assert "Load more updates" in texts
    kerry = doc.body.index("according to John Kerry")
    assert not any(start <= kerry < end for start, end in excluded_spans(doc))


def test_boilerplate_spans_on_a_small_text():
    spans, kinds = boilerplate_spans("Aleppo on 14 DecemberImage source, EPA\nText. View more on twitter\n")
    assert spans == [[21, 38], [45, 65]]
    assert kinds == {"image-credit": 1, "embed-notice": 1}


def test_mojibake_is_repaired_and_recorded(tmp_path: Path):
    path = tmp_path / "damaged.txt"
    path.write_text("Aleppo ‚Äì the battle\n\nDate of publication 1 November 2016 Fighting in Aleppo.\n", encoding="utf-8")
    doc = read_news(path)
    assert doc.title == "Aleppo – the battle"
    assert doc.body.startswith("Aleppo – the battle")
    assert doc.extra["encoding_repair"]
    assert "encoding-repaired" in {w.kind for w in doc.warnings}


def test_unreadable_bytes_fail_with_the_file_name(tmp_path: Path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Alep\xe9 news\n".encode("latin-1"))
    with pytest.raises(DocumentError, match=r"latin1\.txt"):
        read_news(path)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(DocumentError, match="empty"):
        read_news(empty)


def test_iso_dates():
    assert iso_date("13th December 2016") == "2016-12-13"
    assert iso_date("2016-02-30") is None
    assert iso_date("Sept 22 2016") == "2016-09-22"
