"""The command line says which articles it stored without analysing them."""

from __future__ import annotations

import json

import pytest

from bot import cli
from tests.summarizer.test_story_text_ingest import RUSSIAN, _article


@pytest.mark.slow
def test_the_cli_says_which_articles_were_stored_without_analysis(fake_models, tmp_path, capsys):
    path = _article(tmp_path, "ru", RUSSIAN)
    assert cli.main(["ingest", str(path)]) == 0
    out, err = capsys.readouterr()
    assert f"{path}: stored, not analysed: Russian" in err.splitlines()
    assert out.strip() == "1 new, 0 duplicates, 0 rejected"
    assert cli.main(["articles", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
