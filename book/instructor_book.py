"""Configuration of the instructor edition of the website (`make book-instructor`).

It is the student book (same _config.yml, same _toc.yml, so chapters added there appear in both)
plus a part "Solutions (instructors only)": the page on adding a chapter (solutions/adding-a-chapter.md)
and every solution notebook of solutions/, rendered
as it is stored: not executed, so the build costs no more than rendering. Chapter pages reuse the
student build's execution cache. Writes _config.yml and _toc.yml into the folder given:

    python book/instructor_book.py _build/instructor-src
"""
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def solution_notebooks() -> list[str]:
    return sorted(p.relative_to(REPO).with_suffix("").as_posix()
                  for p in (REPO / "solutions").glob("*/*.ipynb") if p.stem == p.parent.name)


def instructor_config() -> dict:
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    config["title"] = f"{config['title']} (instructor edition)"
    config["exclude_patterns"] = [p for p in config["exclude_patterns"] if p != "solutions"]
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, path in local.items():                                    # relative to the config file
        local[name] = str(REPO / path)
    execute = config.setdefault("execute", {})
    execute["exclude_patterns"] = ["solutions/*/*"]                      # shown as stored, not run
    execute["cache"] = str(REPO / "_build" / ".jupyter_cache")          # the student build's cache
    return config


def instructor_toc() -> dict:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    parts = toc.pop("parts", None) or [{"caption": "Course", "chapters": toc.pop("chapters", [])}]
    parts.append({"caption": "Solutions (instructors only)",
                  "chapters": [{"file": "solutions/adding-a-chapter"}] + [{"file": name} for name in solution_notebooks()]})
    return {**toc, "parts": parts}


def main(out: str) -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text(yaml.safe_dump(instructor_config(), sort_keys=False))
    (folder / "_toc.yml").write_text(yaml.safe_dump(instructor_toc(), sort_keys=False))


if __name__ == "__main__":
    main(sys.argv[1])
