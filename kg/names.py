"""Names and aliases: which names are generic, how titles and names compare, and the
curated alias table. A leaf module (it imports only :mod:`kg.identity`), shared by the
mapping (generic names are scoped to their conflict), identity resolution and news linking.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

from kg.identity import normalise_title

_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)?$")
GENERIC_WORDS = frozenset("""
the of and for in a an & army armed forces force corps division divisions brigade brigades
battalion battalions regiment regiments company companies platoon squad group groups unit units
special operations operation national guard guards republican presidential defence defense
security service services intelligence military police navy naval air airborne land ground
marine marines infantry mechanized mechanised armoured armored tank tanks artillery rifle
motorized motorised motor mountain border territorial reserve reserves volunteer volunteers
militia militias local popular mobilization mobilisation command headquarters staff general
aerospace fleet district front detachment team tactical assault sniper engineer engineers
signal signals rangers commando commandos paratroopers fighters rebels government troops
soldiers civilians people protection committee committees council unknown others other
battalion-tactical army-corps coast coastal aviation missile missiles rocket rockets
""".split())


def is_generic(name: str) -> bool:
    """True when every word of a name is a generic military word or an ordinal.

    >>> is_generic("Special Forces"), is_generic("1st Corps"), is_generic("Tiger Forces")
    (True, True, False)
    """
    words = [w.strip(".,()'’\"").casefold() for w in name.split()]
    words = [w for w in words if w]
    return bool(words) and all(w in GENERIC_WORDS or _ORDINAL.match(w) for w in words)


def name_key(text: str) -> str:
    """The key under which names and aliases are compared: the normalised title, casefolded.

    >>> name_key("saudi_arabia") == name_key("Saudi Arabia")
    True
    """
    return normalise_title(text).casefold()


_DASHES = re.compile(r"\s*[\u2010-\u2015\u2212-]\s*")
_SHORT_YEAR_RANGE = re.compile(r"\b(\d{2})(\d{2})–(\d{2})\b(?!\d)")


def title_fold(title: str) -> str:
    """A title as compared for rule 1: case aside, every dash an unspaced en dash, and a
    year range written out (``2014–15`` -> ``2014–2015``).

    >>> title_fold("Battle of X (2014–15)") == title_fold("battle of x (2014 - 2015)")
    True
    >>> title_fold("Syria-Turkey border") == title_fold("Syria–Turkey border")
    True
    """
    text = _DASHES.sub("–", normalise_title(title)).casefold()
    return _SHORT_YEAR_RANGE.sub(lambda m: f"{m[1]}{m[2]}–{m[1]}{m[3]}" if m[3] > m[2] else m[0], text)


# --- curated aliases -----------------------------------------------------------------
def default_aliases_path() -> Path | None:
    """``$KG_ALIASES``, else ``data/aliases.tsv`` of the checkout (None when there is none)."""
    env = os.environ.get("KG_ALIASES")
    if env:
        return Path(env)
    candidate = Path(__file__).resolve().parents[1] / "data" / "aliases.tsv"
    return candidate if candidate.exists() else None


def load_aliases(path: str | Path | None = None) -> dict[str, str]:
    """Read ``alias<TAB>target page[<TAB>note]`` rows (``#`` comments, blank lines ignored)
    into ``{casefolded normalised alias: target title}``.

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False); _ = f.write("# c\\nIRGC\\tIslamic Revolutionary Guard Corps\\n"); f.close()
    >>> load_aliases(f.name)
    {'irgc': 'Islamic Revolutionary Guard Corps'}
    >>> os.unlink(f.name)
    """
    path = Path(path) if path is not None else default_aliases_path()
    if path is None or not path.exists():
        return {}
    aliases: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), 1):
            if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                continue
            if len(row) < 2 or not row[1].strip():
                raise ValueError(f"{path}:{number}: expected 'alias<TAB>target page', got {row!r}")
            aliases[name_key(row[0])] = normalise_title(row[1])
    return aliases
