#!/usr/bin/env python3
"""Check NotoSansCJKkr-subset.otf: it loads, and every Han/Hangul/kana char of
assets/samples/* plus a fixed list of names has a non-empty glyph.

Usage (from this folder): python3 verify_subset.py   (needs: pip install fonttools)
Exit status 0 = all good, 1 = something missing.
"""
import glob
import os
import sys

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

HERE = os.path.dirname(os.path.abspath(__file__))
WORDS = "외교부 윤서현 東京 北京 上海 鹿児島 宮崎 浙江 熊本 青岛 中村愛子 박원지 서울 「」『』。！？".split()


def wanted(o):
    return (0x1100 <= o <= 0x11FF or 0x3000 <= o <= 0x30FF or 0x3130 <= o <= 0x318F
            or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xA960 <= o <= 0xA97F
            or 0xAC00 <= o <= 0xD7FF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF
            or o >= 0x20000)


def main():
    font = TTFont(os.path.join(HERE, "NotoSansCJKkr-subset.otf"))
    font.ensureDecompiled()  # parse every table, not just the header
    cmap, glyphs = font.getBestCmap(), font.getGlyphSet()
    chars = {c for w in WORDS for c in w}
    for p in glob.glob(os.path.join(HERE, "..", "samples", "*")):
        with open(p, encoding="utf-8") as f:
            chars |= {c for c in f.read() if wanted(ord(c))}
    bad = []
    for c in sorted(chars):
        name = cmap.get(ord(c))
        if name is None:
            bad.append(f"{c} U+{ord(c):04X}: no glyph")
            continue
        pen = BoundsPen(glyphs)
        glyphs[name].draw(pen)
        if pen.bounds is None and c != "\u3000":
            bad.append(f"{c} U+{ord(c):04X}: empty outline")
    print(f"{font['maxp'].numGlyphs} glyphs, {len(cmap)} mapped code points, "
          f"{len(chars)} chars checked, {len(bad)} bad")
    for b in bad:
        print("  " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
