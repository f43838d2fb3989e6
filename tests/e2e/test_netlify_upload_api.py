"""The Netlify API's upload operations (issue 31's foundation), against the fake that answers as netlify-cli
meets the real service (tests/fake_netlify.py, its sources) and checks every request against the Swagger
description — JSON bodies against their schemas. No upload mode is wired into a run yet: these hold the client
to what `netlify deploy` sends, in its order (create the deploy, send the file digest, PUT what is required)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.fake_netlify import SITE_ID, TOKEN, FakeNetlify
from vibe_action.hosts.netlify.client import MaybeActedError, NetlifyClient
from vibe_action.inputs.upload_folder import read_upload_folder
from vibe_action.redact import Secrets


@pytest.fixture
def client(netlify: FakeNetlify) -> Iterator[tuple[NetlifyClient, list[float]]]:
    waits: list[float] = []
    with requests.Session() as session:
        yield NetlifyClient(session, TOKEN, SITE_ID, Secrets(), netlify.api_url, sleep=waits.append), waits  # type: ignore[attr-defined]


def built(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / "dist" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "dist" / name).write_bytes(data)
    return root / "dist"


def upload(api: NetlifyClient, folder: Path, title: str) -> str:
    """What an upload does, in netlify-cli's order; the deploy's id."""
    files = read_upload_folder(folder, "dist")
    deploy = api.create_deploy(title)
    digest = api.set_deploy_files(deploy.id, files.sha1_map())
    wanted = files.by_sha1()
    for sha in digest.required:
        item = wanted[sha]
        api.upload_file(deploy.id, item.path, item.source.read_bytes())
    return deploy.id


def test_an_upload_sends_each_required_file_once_and_the_deploy_goes_live(
    tmp_path: Path, netlify: FakeNetlify, client: tuple[NetlifyClient, list[float]]
) -> None:
    api, _ = client
    folder = built(tmp_path, {"index.html": b"<h1>v1</h1>", "assets/app one.js": b"x=1", "copy.html": b"<h1>v1</h1>"})
    deploy_id = upload(api, folder, "aime25 74.4 @ abc1234")
    puts = netlify.api("PUT", "/files/")
    assert sorted(seen.path for seen in puts) == [  # as the server decodes them (sent %20-encoded, '/' kept)
        f"/api/v1/deploys/{deploy_id}/files/assets/app one.js",
        f"/api/v1/deploys/{deploy_id}/files/copy.html",  # index.html has the same bytes: one SHA-1, sent once
    ]
    assert all(seen.headers["Content-Type"] == "application/octet-stream" for seen in puts)
    assert api.deploy(deploy_id).state == "ready"  # processed once its files are in, and published
    assert netlify.published_id == deploy_id
    assert netlify.get(deploy_id)["title"] == "aime25 74.4 @ abc1234"
    assert netlify.violations == []


def test_files_the_site_already_holds_are_not_sent_again(
    tmp_path: Path, netlify: FakeNetlify, client: tuple[NetlifyClient, list[float]]
) -> None:
    api, _ = client
    folder = built(tmp_path, {"index.html": b"<h1>v1</h1>", "app.js": b"x=1"})
    upload(api, folder, "first")
    (folder / "index.html").write_bytes(b"<h1>v2</h1>")
    before = len(netlify.api("PUT", "/files/"))
    upload(api, folder, "second")
    (again,) = netlify.api("PUT", "/files/")[before:]
    assert again.path.endswith("/files/index.html")
    assert again.body == b"<h1>v2</h1>"


def test_a_file_put_that_fails_once_is_sent_again(
    tmp_path: Path, netlify: FakeNetlify, client: tuple[NetlifyClient, list[float]]
) -> None:
    api, _ = client
    netlify.upload_faults = [503]  # a PUT of the same bytes is idempotent: retried, as netlify-cli retries it
    deploy_id = upload(api, built(tmp_path, {"index.html": b"x"}), "t")
    assert len(netlify.api("PUT", "/files/")) == 2
    assert api.deploy(deploy_id).state == "ready"


def test_a_lost_create_answer_may_have_acted_and_the_deploy_is_there_by_its_title(
    netlify: FakeNetlify, client: tuple[NetlifyClient, list[float]]
) -> None:
    api, _ = client
    netlify.create_answer_lost = 1
    with pytest.raises(MaybeActedError):
        api.create_deploy("aime25 80.0 @ def5678")
    assert len(netlify.api("POST", "/deploys")) == 1  # never sent twice
    (made,) = [d for d in api.deploys() if d.title == "aime25 80.0 @ def5678"]
    assert made.state == "new"


def test_above_a_hundred_files_the_digest_is_diffed_in_the_background(
    tmp_path: Path, netlify: FakeNetlify, client: tuple[NetlifyClient, list[float]]
) -> None:
    api, _ = client
    folder = built(tmp_path, {f"page{i}.html": f"<p>{i}</p>".encode() for i in range(101)})
    files = read_upload_folder(folder, "dist")
    deploy = api.create_deploy("many")
    answered = api.set_deploy_files(deploy.id, files.sha1_map())
    assert (answered.state, answered.required) == ("preparing", ())  # netlify-cli then polls until `prepared`
    prepared = api.deploy(deploy.id)
    assert prepared.state == "prepared"
    assert len(prepared.required) == 101
    sent = netlify.api("PUT", f"/deploys/{deploy.id}")[0]
    assert b'"async": true' in sent.body


def test_a_file_whose_bytes_are_not_the_digests_is_refused(client: tuple[NetlifyClient, list[float]]) -> None:
    api, _ = client
    deploy = api.create_deploy("t")
    api.set_deploy_files(deploy.id, {"/index.html": hashlib.sha1(b"right").hexdigest()})  # noqa: S324
    with pytest.raises(Exception, match="HTTP 422"):
        api.upload_file(deploy.id, "/index.html", b"wrong")
