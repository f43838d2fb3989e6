"""The built folder an upload sends (issue 31): which files, their digests, and the folder's own digest.

The rules are the hosts' own clients', so that what the gate sends is what `netlify deploy` would send from the
same folder (netlify/cli `src/commands/deploy/deploy.ts`, `getDeployFilesFilter`; `src/utils/deploy/util.ts`,
`normalizePath`):
- a file or folder whose name starts with `.` is left out (`.git`, `.env`, `.DS_Store`), except `.well-known`;
- `node_modules` folders are left out;
- paths are `/`-separated, relative to the folder; a name with `#` or `?` is refused (netlify-cli refuses it:
  such a path cannot be served as written).
Beyond the hosts' clients, the gate refuses what would send files from elsewhere: a symbolic link that leads
out of the folder, and anything that is not a regular file (a socket, a device).

Each file is read once, a piece at a time, for its SHA-1 (Netlify's and Vercel's file keys) and its SHA-256;
the folder's digest is the SHA-256 of the sorted manifest — one `path<TAB>sha256` line per file — so a snapshot
record says exactly which files shipped. Limits are checked as the folder is walked, before anything is sent:
the count of files and the size of each and of all (docs/limits.md gives them with their sources).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from vibe_action.errors import InputError, Problem

# The gate's own bounds, the strictest of the hosts' documented ones: Cloudflare Pages takes at most 20,000
# files a deploy and 25 MiB a file (developers.cloudflare.com/pages/platform/limits/). The total bounds the
# run's time and the hosts' upload budget.
MAX_UPLOAD_FILES = 20_000
MAX_UPLOAD_FILE_BYTES = 25 * 1024 * 1024
MAX_UPLOAD_TOTAL_BYTES = 1024 * 1024 * 1024
SKIPPED_NAMES = frozenset({"node_modules"})
KEPT_DOT_NAMES = frozenset({".well-known"})
PIECE = 1 << 20


@dataclass(frozen=True)
class UploadFile:
    """One file of the folder: its path as the site serves it (`/index.html`), where it is, and its digests."""

    path: str
    source: Path
    size: int
    sha1: str
    sha256: str


@dataclass(frozen=True)
class UploadFolder:
    """The files an upload sends, sorted by path, and the folder's digest (the SHA-256 of the manifest)."""

    root: Path
    files: tuple[UploadFile, ...]
    digest: str

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    def sha1_map(self) -> dict[str, str]:
        """`{"/index.html": "<sha1>", …}`: the file digest Netlify's deploy takes."""
        return {f.path: f.sha1 for f in self.files}

    def by_sha1(self) -> dict[str, UploadFile]:
        """One file for each SHA-1 (files with the same bytes are sent once)."""
        found: dict[str, UploadFile] = {}
        for item in self.files:
            found.setdefault(item.sha1, item)
        return found


def _skipped(name: str) -> bool:
    return name in SKIPPED_NAMES or (name.startswith(".") and name not in KEPT_DOT_NAMES)


def read_upload_folder(folder: Path, shown: str) -> UploadFolder:
    """The folder's files by the rules above, or InputError naming what is wrong (`shown`: the folder as the
    user wrote it). Nothing is sent before this returns."""
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise InputError(f"the upload folder {shown} {what}; build the site into it before the gate runs")
    root = folder.resolve()
    found: list[UploadFile] = []
    problems: list[Problem] = []
    total = 0
    for current, dirs, names in os.walk(root, followlinks=False):
        dirs[:] = sorted(
            d for d in dirs if not _skipped(d) and not _linked_out(Path(current) / d, root, shown, problems)
        )
        for name in sorted(names):
            if _skipped(name):
                continue
            path = Path(current) / name
            rel = path.relative_to(root).as_posix()
            if "#" in rel or "?" in rel:
                problems.append(Problem(f"{shown}/{rel}", 1, 1, "a name with '#' or '?' cannot be served as written"))
                continue
            if _linked_out(path, root, shown, problems):
                continue
            mode = path.stat().st_mode  # (a link inside the folder: the file it leads to)
            if not stat.S_ISREG(mode):
                problems.append(Problem(f"{shown}/{rel}", 1, 1, "not a regular file (a socket, a pipe, a device)"))
                continue
            item = _hashed(path, f"/{rel}", shown)
            total += item.size
            found.append(item)
            if len(found) > MAX_UPLOAD_FILES:
                raise InputError(
                    f"the upload folder {shown} holds more than {MAX_UPLOAD_FILES:,} files; the limit is "
                    f"{MAX_UPLOAD_FILES:,} (docs/limits.md)"
                )
            if total > MAX_UPLOAD_TOTAL_BYTES:
                raise InputError(
                    f"the upload folder {shown} holds more than {MAX_UPLOAD_TOTAL_BYTES:,} bytes; the limit is "
                    f"{MAX_UPLOAD_TOTAL_BYTES:,} (docs/limits.md)"
                )
    if problems:
        raise InputError(problems[:50])
    if not found:
        raise InputError(f"the upload folder {shown} holds no file to upload (dot-files and node_modules are left out)")
    files = tuple(sorted(found, key=lambda f: f.path))
    manifest = "".join(f"{f.path}\t{f.sha256}\n" for f in files)
    return UploadFolder(root, files, hashlib.sha256(manifest.encode("utf-8")).hexdigest())


def with_site_config(folder: UploadFolder, config: Path | None, shown: str) -> UploadFolder:
    """The folder with the repository's site config added as `/netlify.toml`, as `netlify deploy` adds it
    (netlify/cli `src/utils/deploy/hash-config.ts`, `deploy-site.ts`: the config goes into the file digest
    after the folder's files, so it wins over a `netlify.toml` in the folder): Netlify reads its
    `[[redirects]]` and `[[headers]]` from there. The digest is made anew over what is sent."""
    if config is None or not config.is_file():
        return folder
    added = _hashed(config, "/netlify.toml", shown)
    files = tuple(sorted([*(f for f in folder.files if f.path != "/netlify.toml"), added], key=lambda f: f.path))
    manifest = "".join(f"{f.path}\t{f.sha256}\n" for f in files)
    return UploadFolder(folder.root, files, hashlib.sha256(manifest.encode("utf-8")).hexdigest())


def _linked_out(path: Path, root: Path, shown: str, problems: list[Problem]) -> bool:
    """A symbolic link that leads out of the folder (or nowhere): refused, and said. A link to a folder inside
    is not walked (its files are sent from where they are)."""
    if not path.is_symlink():
        return False
    target = path.resolve()
    if target.is_relative_to(root) and target.exists():
        return path.is_dir()
    rel = path.relative_to(root).as_posix()
    message = "a symbolic link that leads out of the upload folder; copy the file in instead"
    problems.append(Problem(f"{shown}/{rel}", 1, 1, message))
    return True


def _hashed(path: Path, served: str, shown: str) -> UploadFile:
    sha1, sha256 = hashlib.sha1(usedforsecurity=False), hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while piece := handle.read(PIECE):
            size += len(piece)
            if size > MAX_UPLOAD_FILE_BYTES:
                raise InputError(
                    [
                        Problem(
                            f"{shown}{served}",
                            1,
                            1,
                            f"larger than {MAX_UPLOAD_FILE_BYTES:,} bytes, the limit for a file of an upload",
                            hint="serve it from elsewhere, or split it (docs/limits.md)",
                        )
                    ]
                )
            sha1.update(piece)
            sha256.update(piece)
    return UploadFile(served, path, size, sha1.hexdigest(), sha256.hexdigest())
