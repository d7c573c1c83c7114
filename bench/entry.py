"""Run one of the project's console scripts by name where it is importable but not installed (PYTHONPATH only).

  python bench/entry.py fathomnbs-train --preset sample --out runs/x
The entry point (`module:function`) is read from pyproject.toml's [project.scripts], as pip's wrapper would, so a command
that moves to another module needs no edit here.
"""
import importlib, re, sys
from pathlib import Path

def entry_point(name:str, pyproject:Path=Path(__file__).resolve().parents[1]/'pyproject.toml')->str:
    "`module:function` of console script `name`"
    text = pyproject.read_text()
    try:
        import tomllib
        scripts = tomllib.loads(text)['project']['scripts']
    except ImportError:  # Python < 3.11: the table's `name = "module:function"` lines
        sec = re.search(r'^\[project\.scripts\]\s*$(.*?)(?=^\[|\Z)', text, re.M|re.S)
        scripts = dict(re.findall(r'^\s*"?([\w.-]+)"?\s*=\s*"([^"]+)"', sec[1], re.M)) if sec else {}
    if name not in scripts: raise SystemExit(f"{name}: not a console script of {pyproject} ({', '.join(scripts)})")
    return scripts[name]

if __name__=='__main__':
    if len(sys.argv)<2: raise SystemExit(__doc__)
    name = sys.argv[1]
    mod,fn = entry_point(name).split(':')
    sys.argv = [name, *sys.argv[2:]]  # what the installed script would see
    sys.exit(getattr(importlib.import_module(mod), fn)())
