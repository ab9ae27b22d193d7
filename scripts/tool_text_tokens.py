"""How much text every MCP tool puts before the model for its default arguments.

claude.ai's model reads only a tool result's text content, so that text must hold the whole
answer and still fit a budget (issue: answers a model can use from text alone). Calls every
registered tool through its real handler on England-scale synthetic data (the database
scripts/bench_mcp.py builds) and prints, per tool, the text's characters and estimated tokens
beside the structured result's size. Exits 1 when any tool's text is over the budget.

Tokens are estimated the way BPE tokenisers split text: a run of letters costs one token per 4
letters, a run of digits one per 3 digits, every other non-space character one token. On
numbers and tables this over-counts English prose, so the budget check errs on the safe side.

Usage: python scripts/tool_text_tokens.py [--budget 2500] [--show TOOL]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_mcp  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402

PIECES = re.compile(r"[A-Za-z]+|[0-9]+|\S")


def estimated_tokens(text: str) -> int:
    total = 0
    for piece in PIECES.findall(text):
        if piece[0].isalpha():
            total += math.ceil(len(piece) / 4)
        elif piece[0].isdigit():
            total += math.ceil(len(piece) / 3)
        else:
            total += 1
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=int, default=2500)
    parser.add_argument("--show", help="print this tool's text in full")
    args = parser.parse_args()
    bench_mcp.build(False)

    from portal.accounts import grant_role
    from portal.mcp.registry import ToolContext, registry
    from portal.mcp.tools import register_all
    from portal.models import Practice, User
    from portal.sources import SOURCES

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{bench_mcp.DATABASE}"})
    rows = []
    with app.app_context():
        register_all(registry)
        codes = bench_mcp.sample_practices(app, 4)
        practice = db.session.get(Practice, codes[0])
        code, name = practice.code, practice.name
        user = db.session.scalar(db.select(User).filter_by(email=bench_mcp.EMAIL))
        grant_role(bench_mcp.EMAIL, code, "admin")
        special = {
            "search_practices": {"query": name},
            "search": {"query": name},
            "fetch": {"id": f"practice:{code}"},
            "get_benchmark": {"metric": "dna_rate", "practice": code},
            "get_trend": {"practice": code, "metric": "dna_rate"},
            "compare_practices": {"practices": codes[:3]},
            "list_metrics": {},
            "list_my_practices": {},
        }
        calls = [(spec.name, special.get(spec.name, {"practice": code}))
                 for spec in sorted(registry.all(), key=lambda s: s.name)]  # fmt: skip
        calls += [("list_metrics", {"dataset": dataset}) for dataset in SOURCES]
        for name, arguments in calls:
            ctx = ToolContext(user_id=user.id, owner=user)
            output = registry.get(name).handler(ctx, arguments)
            structured = json.dumps(output.structured, separators=(",", ":"))
            label = name if arguments.keys() != {"dataset"} else f"{name} {arguments['dataset']}"
            rows.append((label, len(output.text), estimated_tokens(output.text), structured))
            if label == args.show:
                print(output.text, end="\n\n")
            db.session.rollback()

    print(f"Practice {code}; budget {args.budget} estimated tokens of text per call.")
    print(
        f"{'tool (default arguments)':34} {'text chars':>10} {'text tokens':>11} {'structured chars':>16}"
    )
    for name, chars, tokens, structured in rows:
        flag = "  OVER BUDGET" if tokens > args.budget else ""
        print(f"{name:34} {chars:>10,} {tokens:>11,} {len(structured):>16,}{flag}")
    over = [r for r in rows if r[2] > args.budget]
    print(f"max {max(r[2] for r in rows):,} tokens; {len(over)} tool(s) over budget")
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
