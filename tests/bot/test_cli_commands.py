"""The storybot command line, run in-process on a temp store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_ingest_reports_new_duplicates_and_rejections(fake_models, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert cli.main(["ingest", str(ROOT / "seeds"), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out.strip() == "5 new, 0 duplicates, 1 rejected"
    assert err.strip().splitlines()[-1].startswith(f"rejected {bad}: malformed JSON")  # after the progress lines
    assert cli.main(["ingest", str(ROOT / "seeds")]) == 0
    assert capsys.readouterr().out.strip() == "0 new, 5 duplicates, 0 rejected"


@pytest.mark.slow
def test_actors_articles_brief_and_timeline_print(fake_models, capsys):
    assert cli.main(["ingest", "--quiet", str(ROOT / "seeds")]) == 0
    capsys.readouterr()
    assert cli.main(["actors", "--json"]) == 0
    actors = json.loads(capsys.readouterr().out)
    assert actors[0]["mentions"] >= actors[-1]["mentions"]
    assert {"Xi Jinping", "Volodymyr Zelensky", "Dmitry Peskov"} <= {a["name"] for a in actors}
    assert cli.main(["articles", "--json"]) == 0
    articles = json.loads(capsys.readouterr().out)
    assert len(articles) == 5 and articles[0]["published"] == "2025-05-07"
    assert cli.main(["brief", "xi", "--json"]) == 0
    brief = json.loads(capsys.readouterr().out)
    assert set(brief) >= {"query", "kind", "subject", "items", "text"}
    assert brief["kind"] == "actor" and brief["subject"] == "Xi Jinping"
    assert all(set(i) >= {"text", "date", "sources"} for i in brief["items"])
    assert all(set(s) >= {"id", "title", "outlet", "published", "url"} for i in brief["items"] for s in i["sources"])
    assert brief["text"].startswith("Xi Jinping:")
    assert brief["more"] > 0
    assert cli.main(["brief", "xi"]) == 0
    assert capsys.readouterr().out.rstrip().endswith(f"({brief['more']} more points: add --long)")
    assert cli.main(["brief", "xi", "--long"]) == 0
    assert "add --long" not in capsys.readouterr().out
    assert cli.main(["brief", "21", "March", "2023"]) == 0
    assert "What happened then" in capsys.readouterr().out
    assert cli.main(["timeline", "putin"]) == 0
    assert capsys.readouterr().out.startswith("Vladimir Putin: timeline")


@pytest.mark.slow
def test_reanalyse_updates_what_another_version_analysed_and_briefs_say_when_it_is_due(fake_models, capsys):
    from sqlalchemy import update

    from summarizer.settings import Settings
    from summarizer.store.db import Store
    from summarizer.store.models import Article

    assert cli.main(["ingest", "--quiet", str(ROOT / "seeds")]) == 0
    assert cli.main(["reanalyse"]) == 0
    assert capsys.readouterr().out.strip() == "nothing to reanalyse: this version analysed every stored article"
    store = Store(Settings.load().resolved_database_url)
    with store.session() as session:  # as an older storybot left them
        session.execute(update(Article).where(Article.id <= 2).values(analysis=None))
    store.close()
    assert cli.main(["brief", "xi", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["kind"] == "actor"  # the answer on stdout stays clean
    assert err.strip() == (
        "note: 2 of 5 stored articles were analysed by another version of storybot;"
        " `storybot reanalyse` analyses them again"
    )
    assert cli.main(["reanalyse"]) == 0
    out, err = capsys.readouterr()
    assert out.strip().startswith("reanalysed 2 articles (") and out.strip().endswith("sentences), 0 failed")
    assert "reanalyse: 2 stored articles to analyse" in err
    assert cli.main(["brief", "xi"]) == 0
    assert "reanalyse" not in capsys.readouterr().err


def test_a_bad_setting_is_one_line_and_status_2(monkeypatch, capsys):
    monkeypatch.setenv("STORYBOT_INGEST_BATCH", "many")
    assert cli.main(["actors"]) == 2
    assert capsys.readouterr().err.strip() == "storybot: bad configuration: setting ingest_batch: expected int, got 'many'"
