"""The built folder an upload sends: netlify-cli's rules for what is left out, the gate's refusals (links out of
the folder, names a URL cannot carry, the limits), and a digest that changes with any byte or name."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from vibe_action.errors import InputError
from vibe_action.inputs import upload_folder
from vibe_action.inputs.upload_folder import read_upload_folder


def site(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / "dist" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root / "dist"


def refused(folder: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_upload_folder(folder, "dist")
    return str(caught.value)


def test_the_files_netlify_cli_would_send_and_their_digests(tmp_path: Path) -> None:
    folder = site(
        tmp_path,
        {
            "index.html": b"<h1>demo</h1>",
            "assets/app.js": b"console.log(1)",
            "copy.html": b"<h1>demo</h1>",  # the same bytes: one SHA-1, sent once
            ".well-known/security.txt": b"Contact: x",
            ".env": b"SECRET=1",
            ".git/config": b"[core]",
            "assets/.DS_Store": b"x",
            "node_modules/left/index.js": b"x",
        },
    )
    found = read_upload_folder(folder, "dist")
    assert [f.path for f in found.files] == ["/.well-known/security.txt", "/assets/app.js", "/copy.html", "/index.html"]
    assert found.sha1_map()["/index.html"] == hashlib.sha1(b"<h1>demo</h1>").hexdigest()  # noqa: S324 — Netlify's key
    assert len(found.by_sha1()) == 3
    assert found.total_bytes == sum(f.size for f in found.files)
    manifest = "".join(f"{f.path}\t{hashlib.sha256(f.source.read_bytes()).hexdigest()}\n" for f in found.files)
    assert found.digest == hashlib.sha256(manifest.encode()).hexdigest()


def test_the_digest_changes_with_a_byte_or_a_name(tmp_path: Path) -> None:
    first = read_upload_folder(site(tmp_path / "a", {"index.html": b"v1"}), "dist").digest
    assert read_upload_folder(site(tmp_path / "b", {"index.html": b"v1"}), "dist").digest == first
    assert read_upload_folder(site(tmp_path / "c", {"index.html": b"v2"}), "dist").digest != first
    assert read_upload_folder(site(tmp_path / "d", {"main.html": b"v1"}), "dist").digest != first


def test_a_link_out_of_the_folder_is_refused_and_a_link_inside_is_followed(tmp_path: Path) -> None:
    folder = site(tmp_path, {"index.html": b"x"})
    (tmp_path / "secret.txt").write_text("token")
    os.symlink(folder / "index.html", folder / "home.html")
    found = read_upload_folder(folder, "dist")
    assert [f.path for f in found.files] == ["/home.html", "/index.html"]
    os.symlink(tmp_path / "secret.txt", folder / "leak.txt")
    assert "dist/leak.txt:1:1: a symbolic link that leads out of the upload folder" in refused(folder)


def test_names_a_url_cannot_carry_are_refused(tmp_path: Path) -> None:
    folder = site(tmp_path, {"index.html": b"x", "a#b.html": b"y"})
    assert "dist/a#b.html:1:1: a name with '#' or '?' cannot be served as written" in refused(folder)


def test_a_missing_or_empty_folder_is_said_as_such(tmp_path: Path) -> None:
    assert "the upload folder dist does not exist; build the site into it" in refused(tmp_path / "dist")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / ".env").write_text("x")
    assert "holds no file to upload" in refused(tmp_path / "dist")


def test_the_limits_are_checked_before_anything_is_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_folder, "MAX_UPLOAD_FILE_BYTES", 10)
    assert "dist/big.bin:1:1: larger than 10 bytes" in refused(site(tmp_path / "a", {"big.bin": b"x" * 11}))
    monkeypatch.setattr(upload_folder, "MAX_UPLOAD_FILES", 2)
    assert "more than 2 files; the limit is 2" in refused(site(tmp_path / "b", {f"{i}.html": b"x" for i in range(3)}))
    monkeypatch.setattr(upload_folder, "MAX_UPLOAD_TOTAL_BYTES", 15)
    assert "more than 15 bytes" in refused(site(tmp_path / "c", {"a.html": b"x" * 8, "b.html": b"y" * 8}))
