"""Rendering: every kind renders with the elements the law requires, fonts embed as subsets, nothing is
fetched, output is deterministic."""

from __future__ import annotations

import re
import subprocess

import pytest

from app.letters import render
from app.letters.render import (
    LetterRenderError,
    check_font_subsetting,
    html_to_pdf,
    render_html,
    template_version,
)
from tests.letters.conftest import CODE, NUMBER, letter_context, pdffonts, pdftotext
from tests.letters.facts import AGENCY, KINDS, MATERIALS

REMEDY = (
    "如不服本决定，可以在收到本决定书之日起六十日内向杭州市西湖区人民政府申请行政复议，"
    "或者在六个月内依法向杭州市西湖区人民法院提起行政诉讼。"
)


def test_font_subsetting_is_available():
    """Fails when libharfbuzz-subset0 is missing: rendering would silently take ≈ 10 s per letter."""
    check_font_subsetting()


def test_font_subsetting_check_explains_a_missing_library(monkeypatch):
    import weasyprint.text.ffi as ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    with pytest.raises(RuntimeError, match="libharfbuzz-subset0"):
        check_font_subsetting()


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_the_common_elements(rendered, kind):
    text, context = rendered[kind]["text"], rendered[kind]["context"]
    assert rendered[kind]["pdf"].startswith(b"%PDF-")
    for expected in (
        AGENCY["name"],  # header and seal
        context["title"],
        NUMBER,
        "王小梅",
        "510104199203154321",  # letters to the party carry the full ID number
        "浙江省杭州市西湖区文新街道文一西路58号3幢2单元501室",
        "你于2026年11月2日",  # procedural history
        "二〇二六年十一月二十二日",  # date of the decision
        "ABCDE-23456",  # verification code, grouped
        "第1页共",  # page numbers
    ):
        assert expected in text, f"{kind}: {expected!r} missing"


@pytest.mark.parametrize("kind", ["rp_refusal", "rp_not_accepted"])
def test_adverse_decisions_state_the_remedies(rendered, kind):
    assert REMEDY in rendered[kind]["text"]


def test_refusal_gives_reasons_and_basis(rendered):
    text = rendered["rp_refusal"]["text"]
    assert "你在本市居住登记未满半年" in text
    assert "依据：《居住证暂行条例》第二条" in text
    assert "合同未实际履行" in text
    assert "根据《居住证暂行条例》第二条的规定，本机关决定不予核发居住证。" in text


def test_receipt_states_the_time_limit_the_five_day_rule_and_the_access_code(rendered):
    text = rendered["rp_receipt"]["text"]
    assert "《居住证暂行条例》第九条" in text and "自受理之日起15日内" in text
    assert "2026年11月17日前" in text
    assert "《中华人民共和国行政许可法》第三十二条" in text
    assert "在五日内一次告知你需要补正的全部内容；逾期不告知的，自收到申请材料之日起即为受理" in text
    assert "RP-330106-2026-000123" in text and "K7Q2-9XPM" in text
    for material in MATERIALS:
        assert material["label_zh"] in text


def test_supplement_lists_every_missing_item_with_its_reason(rendered):
    text = rendered["rp_supplement"]["text"]
    for material in MATERIALS:
        if material["verdict"] == "provided":
            assert f"．{material['label_zh']}" not in text
        else:
            assert material["label_zh"] in text
            assert material["note"] in text
    assert "2026年11月30日前" in text
    assert "文新派出所户籍窗口" in text  # where to supply
    assert "不予受理" in text  # consequence
    assert "《居住证暂行条例》第九条" in text and "《中华人民共和国行政许可法》第三十二条" in text


def test_not_accepted_recites_the_notice_and_the_missed_deadline(rendered):
    text = rendered["rp_not_accepted"]["text"]
    assert "西公居补字〔2026〕第3号" in text and "2026年11月30日前补正" in text
    assert "截至补正期限届满，你未补正上述材料" in text
    assert "决定对你的居住证申领申请不予受理" in text


def test_approval_states_permit_validity_endorsement_and_supervision(rendered):
    text = rendered["rp_approval"]["text"]
    assert "330106202611000123" in text
    assert "自2026年11月20日至2027年11月19日" in text
    assert "2027年10月20日至2027年11月19日期间办理" in text and "第十条" in text
    assert "文新派出所户籍窗口" in text
    assert "接受公安机关的监督检查" in text
    assert "根据《居住证暂行条例》第二条、第九条的规定，本机关决定准予核发居住证。" in text


@pytest.mark.parametrize("kind", KINDS)
def test_only_embedded_subsets_of_the_cjk_serif(rendered, kind):
    fonts = pdffonts(rendered[kind]["pdf"])
    assert fonts, "no fonts in the PDF"
    for font in fonts:
        assert (font["emb"], font["sub"], font["uni"]) == ("yes", "yes", "yes"), font
        # Body, title, page numbers and the seal all use Noto Serif CJK SC: no fallback font pulled in.
        assert "Noto-Serif-CJK-SC" in font["name"], font


def test_same_context_renders_the_same_bytes(rendered):
    kind = "rp_refusal"
    again = render.render_pdf(f"letters/{kind}.html", rendered[kind]["context"])
    assert again == rendered[kind]["pdf"]


def test_pdf_metadata_dates_are_the_issue_date(rendered, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(rendered["rp_approval"]["pdf"])
    info = subprocess.run(["pdfinfo", "-isodates", str(path)], capture_output=True, check=True).stdout.decode()
    assert re.search(r"CreationDate:\s+2026-11-22T00:00:00\+08", info), info
    assert re.search(r"ModDate:\s+2026-11-22T00:00:00\+08", info), info
    assert "准予核发居住证决定书" in info  # title


def test_context_strings_are_escaped():
    name = '<img src="file:///etc/passwd">王<b>'
    context = letter_context("rp_refusal")
    context["party"] = {**context["party"], "name": name}
    html = render_html("letters/rp_refusal.html", context)
    assert "<img" not in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;王&lt;b&gt;" in html
    text = pdftotext(html_to_pdf(html))
    assert '<imgsrc="file:///etc/passwd">王<b>' in text  # shown as text, never fetched
    assert "root:" not in text


def test_url_fetcher_refuses_everything_but_data_urls():
    fetcher = render.url_fetcher()
    for url in ("file:///etc/passwd", "http://example.com/x.png", "https://example.com/x.css", "ftp://x/y"):
        with pytest.raises(ValueError, match="only data: URLs"):
            fetcher(url)
    assert fetcher("data:text/plain,hello").read() == b"hello"


@pytest.mark.parametrize(
    "html",
    [
        '<img src="file:///etc/passwd">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
        "<style>@import url(http://127.0.0.1:9/x.css);</style><p>x</p>",
        '<p style="background: url(file:///etc/hostname)">x</p>',
    ],
)
def test_a_template_that_fetches_a_url_fails_loudly(html):
    with pytest.raises(LetterRenderError, match="only data: URLs"):
        html_to_pdf(f"<html><body>{html}</body></html>")


def test_data_urls_still_work():
    pixel = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/%3E"
    assert html_to_pdf(f'<html><body><img src="{pixel}"></body></html>').startswith(b"%PDF-")


def test_template_version_covers_the_shared_files(monkeypatch):
    version = template_version("letters/rp_receipt.html")
    assert len(version) == 64 and version == template_version("letters/rp_receipt.html")
    assert version != template_version("letters/rp_refusal.html")
    loader = render._env.loader
    original = loader.get_source

    def edited(env, name):
        source, filename, uptodate = original(env, name)
        return (source + "/* edited */" if name.endswith("_letter.css") else source), filename, uptodate

    monkeypatch.setattr(loader, "get_source", edited)
    monkeypatch.setattr(render, "_versions", {})  # a real edit changes the file's mtime, which drops the cache
    assert template_version("letters/rp_receipt.html") != version


def test_a_long_refusal_runs_over_pages_with_numbers():
    reasons = [
        {
            "code": f"r{i}",
            "text_zh": f"第{i}项不符合条件的情形，" + "说明文字" * 30,
            "basis": "《居住证暂行条例》第二条",
        }
        for i in range(1, 9)
    ]
    context = letter_context("rp_refusal", decision={"ineligible_reasons": reasons})
    text = pdftotext(render.render_pdf("letters/rp_refusal.html", context))
    assert "第1页共3页" in text or "第1页共2页" in text
    assert REMEDY in text and CODE[:5] in text
