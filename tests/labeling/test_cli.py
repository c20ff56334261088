"""``hegui label``: add, check, propagate, code; exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from hegui.cli.label import app
from hegui.labeling import read_label
from tests.labeling.conftest import PLATFORM, PRODUCER, MediaFactory

runner = CliRunner()


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


def test_add_then_check(media: MediaFactory, tmp_path: Path) -> None:
    source = media("jpg")
    out = tmp_path / "out.jpg"
    result = runner.invoke(
        app, ["add", str(source), "--producer", PRODUCER, "--produce-id", "c-1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "labelled" in result.output
    label = read_label(out)
    assert label is not None and label.produce_id == "c-1" and read_label(source) is None

    checked = runner.invoke(app, ["check", str(out), "--json"])
    assert checked.exit_code == 0, checked.output
    [report] = json.loads(checked.output)
    assert report["ok"] and report["implicit"]["fields"]["ProduceID"] == "c-1"
    assert report["decision"]["label"] == "1"

    human = runner.invoke(app, ["check", str(out), "--no-explicit"])
    assert human.exit_code == 0 and "OK" in human.output and "ContentProducer" in human.output


def test_check_exit_codes(media: MediaFactory, tmp_path: Path) -> None:
    unlabelled = media("png")
    failed = runner.invoke(app, ["check", str(unlabelled)])
    assert failed.exit_code == 1 and "FAIL" in failed.output
    broken = tmp_path / "x.gif"
    broken.write_bytes(b"GIF89a")
    result = runner.invoke(app, ["check", str(unlabelled), str(broken)])
    assert result.exit_code == 2


def test_add_with_explicit_label_and_require_explicit(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "p.png"
    Image.new("RGB", (400, 300), (10, 80, 40)).save(path)
    assert runner.invoke(app, ["add", str(path), "--producer", PRODUCER]).exit_code == 0
    assert runner.invoke(app, ["check", str(path), "--require-explicit"]).exit_code == 1
    added = runner.invoke(app, ["add", str(path), "--producer", PRODUCER, "--explicit", "--json"])
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["explicit"]["kind"] == "image-corner"
    assert runner.invoke(app, ["check", str(path), "--require-explicit"]).exit_code == 0


def test_bad_codes_and_input_exit_2(media: MediaFactory, tmp_path: Path) -> None:
    path = media("png")
    before = path.read_bytes()
    bad = runner.invoke(app, ["add", str(path), "--producer", PRODUCER[:-1] + "?"])
    assert bad.exit_code == 2 and "provider code" in flat(bad.output)
    assert path.read_bytes() == before
    missing = runner.invoke(app, ["add", str(tmp_path / "nope.png"), "--producer", PRODUCER])
    assert missing.exit_code == 2 and "not found" in flat(missing.output)
    names = runner.invoke(app, ["add", str(path), "--producer", "ExampleCorp", "--allow-names"])
    assert names.exit_code == 0, names.output


def test_propagate(media: MediaFactory) -> None:
    path = media("wav")
    plain = runner.invoke(app, ["propagate", str(path), "--propagator", PLATFORM,
                                "--propagate-id", "p-1"])  # fmt: skip
    assert plain.exit_code == 2 and "no implicit label" in flat(plain.output)
    declared = runner.invoke(app, ["propagate", str(path), "--propagator", PLATFORM,
                                   "--propagate-id", "p-1", "--user-declared"])  # fmt: skip
    assert declared.exit_code == 0, declared.output
    label = read_label(path)
    assert label is not None and label.label.value == "2" and label.propagate_id == "p-1"
    runner.invoke(app, ["add", str(path), "--producer", PRODUCER, "--produce-id", "x"])
    again = runner.invoke(app, ["propagate", str(path), "--propagator", PLATFORM,
                                "--propagate-id", "p-2"])  # fmt: skip
    assert again.exit_code == 0
    label = read_label(path)
    assert label is not None and (label.label.value, label.produce_id) == ("1", "x")
    assert (label.content_propagator, label.propagate_id) == (PLATFORM, "p-2")


def test_code_command() -> None:
    built = runner.invoke(app, ["code", "91350100M000100Y43", "--service", "2", "--app", "AB12"])
    assert built.exit_code == 0 and built.output.strip() == "001191350100M000100Y432AB12"
    valid = runner.invoke(app, ["code", PRODUCER])
    assert valid.exit_code == 0 and "generation" in valid.output
    invalid = runner.invoke(app, ["code", "911100001000000000"])
    assert invalid.exit_code == 2 and "check character" in flat(invalid.output)
