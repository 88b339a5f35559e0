"""Packs installed Python distributions back into wheels, so that pip can install them with --no-index.

Usage: python3 wheelhouse.py OUTDIR REQUIREMENT...   (e.g. 'moto[server]==5.2.1')

Each requirement, and everything it depends on, must be installed in this interpreter at a version the
requirement allows. A wheel is made from the files the distribution's RECORD lists inside site-packages
(scripts are left out: pip writes them again from entry_points.txt), with the dist-info's own WHEEL tags,
and a RECORD of their hashes. Prints one line per wheel.
"""

import base64
import hashlib
import importlib.metadata as metadata
import sys
import zipfile
from pathlib import Path

from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.utils import canonicalize_name

LEFT_OUT = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}


def closure(requirements):
    """Every distribution the requirements need, with the extras asked of it."""
    wanted = {}

    def walk(requirement):
        distribution = metadata.distribution(requirement.name)
        if not requirement.specifier.contains(distribution.version, prereleases=True):
            raise SystemExit(f"{requirement} is not installed: {requirement.name} is {distribution.version}")
        key = canonicalize_name(distribution.metadata["Name"])
        extras = set(requirement.extras)
        if key in wanted and extras <= wanted[key][1]:
            return
        wanted[key] = (distribution, wanted.get(key, (None, set()))[1] | extras)
        for text in distribution.requires or []:
            dependency = Requirement(text)
            environments = [{"extra": extra} for extra in (wanted[key][1] or {""})]
            if dependency.marker is None or any(dependency.marker.evaluate(env) for env in environments):
                walk(dependency)

    for text in requirements:
        walk(Requirement(text))
    return [distribution for distribution, _ in wanted.values()]


def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def pack(distribution, outdir):
    site = Path(distribution.locate_file(""))
    files = [
        file
        for file in distribution.files or []
        if not str(file).startswith("..") and "__pycache__" not in file.parts
    ]
    info = next(file.parts[0] for file in files if file.parts[0].endswith(".dist-info"))
    tags = [
        line.split(":", 1)[1].strip()
        for line in (site / info / "WHEEL").read_text().splitlines()
        if line.startswith("Tag:")
    ]
    python, abi, platform = (sorted({tag.split("-")[i] for tag in tags}) for i in range(3))
    name = info[: -len(".dist-info")]
    wheel = outdir / f"{name}-{'.'.join(python)}-{'.'.join(abi)}-{'.'.join(platform)}.whl"
    records = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as archive:
        for file in files:
            if file.parts[0] == info and file.name in LEFT_OUT:
                continue
            data = (site / file).read_bytes()
            archive.writestr(file.as_posix(), data)
            records.append(f"{file.as_posix()},{digest(data)},{len(data)}")
        records.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", "\n".join(records) + "\n")
    return wheel


def main():
    outdir = Path(sys.argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    for distribution in closure(sys.argv[2:]):
        print(pack(distribution, outdir).name)


main()
