"""The `storybot` command line: ingest, actors, articles, brief, and (later) run."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import asdict

from summarizer.settings import Settings, SettingsError

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, build the settings once, run one command; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"storybot: bad configuration: {exc}", file=sys.stderr)
        return 2
    try:
        return args.func(settings, args)
    except BrokenPipeError:  # `storybot actors | head`: the reader left, nothing is wrong
        sys.stderr.close()
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="storybot", description="Follow one news story; brief on actors and dates.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="store articles from files, folders, feeds or URLs")
    p.add_argument("targets", nargs="+", metavar="PATH_OR_URL")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary; rejections still print")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("rescore", help="recompute the stored ranking signals (after scoring changes)")
    p.set_defaults(func=cmd_rescore)

    p = sub.add_parser("reanalyse", help="analyse stored articles again with this version of storybot (after an upgrade)")
    p.add_argument("--all", action="store_true", help="every stored article, not only those another version analysed")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary; failures still print")
    p.set_defaults(func=cmd_reanalyse)

    p = sub.add_parser("actors", help="canonical actors, most mentioned first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_actors)

    p = sub.add_parser("articles", help="stored articles, newest first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_articles)

    p = sub.add_parser("brief", help="a briefing on an actor, a date or a topic")
    p.add_argument("query", nargs="+", help='e.g. xi, "21 March 2023", 2023-03-20..2023-03-22, "peace plan"')
    p.add_argument("--long", action="store_true", help="more than the six short points")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_brief)

    p = sub.add_parser("timeline", help="the story's most important days, each with its main facts")
    p.add_argument("query", nargs="*", help="an actor, a span or a topic; nothing for the whole story")
    p.add_argument("--dates", type=int, metavar="N", help="how many days (default 10)")
    p.add_argument("--per-date", type=int, metavar="K", help="facts per day (default 1)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("digest", help="the top developments among articles stored since a time")
    p.add_argument("--since", type=_datetime, help="ISO date or datetime (default: everything)")
    p.add_argument("--long", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_digest)

    p = sub.add_parser("run", help="run the Telegram bot (TELEGRAM_BOT_TOKEN; long polling, or a webhook)")
    p.set_defaults(func=cmd_run)
    return parser


def _datetime(value: str):
    from datetime import UTC, datetime

    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date or datetime: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _services(settings: Settings):
    """The services from the composition root; close them (a `with` block) when done."""
    from summarizer import services

    return services.build(settings)


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    with _services(settings) as built, _progress(quiet=args.quiet) as progress:
        report = built.ingest.ingest(args.targets, progress=progress)
    for rejected in report.rejected:
        print(f"rejected {rejected.origin}: {rejected.reason}", file=sys.stderr)
    for unanalysed in report.unanalysed:
        print(f"{unanalysed.origin}: {unanalysed.line}", file=sys.stderr)
    if not args.quiet:
        print(report.summary())
    return 1 if report.rejected else 0


def cmd_reanalyse(settings: Settings, args: argparse.Namespace) -> int:
    from bot.texts import kept_analysis

    with _services(settings) as built, _progress(quiet=args.quiet, name="reanalyse", which="stored") as progress:
        report = built.ingest.reanalyse(everything=args.all, progress=progress)
    for failed in report.rejected:
        print(kept_analysis(failed.origin, failed.reason), file=sys.stderr)
    if not args.quiet:
        done = report.stored or report.rejected
        print(
            f"reanalysed {len(report.stored)} articles ({report.sentences} sentences), {len(report.rejected)} failed"
            if done else "nothing to reanalyse: this version analysed every stored article"
        )
    return 1 if report.rejected else 0


@contextmanager
def _progress(*, quiet: bool, name: str = "ingest", which: str = "new"):
    """The ingestion progress callback for stderr: a bar on a terminal, else a line now and then (cron, CI)."""
    from rich.console import Console

    from summarizer.progress import ProgressLines

    console = Console(stderr=True)
    if quiet:
        yield None
    elif not console.is_terminal:
        yield ProgressLines(lambda line: print(line, file=sys.stderr, flush=True), name=name, which=which)
    else:
        from bot.ingest_progress import progress_bar

        with progress_bar(console) as show:
            yield show


def cmd_rescore(settings: Settings, args: argparse.Namespace) -> int:
    with _services(settings) as built:
        sentences, mentions = built.ingest.rescore()
    print(f"rescored {sentences} sentences and {mentions} mentions")
    return 0


def cmd_actors(settings: Settings, args: argparse.Namespace) -> int:
    rows = _briefings(settings, lambda s: s.actors())
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False))
        return 0
    from bot.render import actors_text

    for line in actors_text(rows):
        print(line)
    return 0


def cmd_articles(settings: Settings, args: argparse.Namespace) -> int:
    rows = _briefings(settings, lambda s: s.articles())
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False, default=str))
        return 0
    from bot.render import articles_text

    for line in articles_text(rows):
        print(line)
    return 0


def _briefings(settings: Settings, action):
    """Run one call on the briefing service; say on stderr when the store holds articles that
    another version of storybot analysed."""
    from bot.texts import stale_note

    with _services(settings) as built:
        result = action(built.briefings)
        stale, stored = built.ingest.stale()
    if stale:
        print(stale_note(stale, stored), file=sys.stderr)
    return result


def _print_briefing(briefing, as_json: bool) -> None:
    from bot.render import to_text

    text = to_text(briefing)
    print(json.dumps(briefing.to_dict(text), indent=2, ensure_ascii=False) if as_json else text)


def cmd_brief(settings: Settings, args: argparse.Namespace) -> int:
    briefing = _briefings(settings, lambda s: s.brief(" ".join(args.query), long=args.long))
    _print_briefing(briefing, args.json)
    if briefing.more and not args.json:
        from bot.texts import more_points

        print(f"\n({more_points(briefing.more)}: add --long)")
    return 0


def cmd_timeline(settings: Settings, args: argparse.Namespace) -> int:
    from bot.render import timeline_text

    query = " ".join(args.query)
    briefing = _briefings(settings, lambda s: s.timeline(query, dates=args.dates, per_date=args.per_date))
    if args.json:
        print(json.dumps(briefing.to_dict(timeline_text(briefing)), indent=2, ensure_ascii=False))
    else:
        print(timeline_text(briefing))
    return 0


def cmd_digest(settings: Settings, args: argparse.Namespace) -> int:
    briefing = _briefings(settings, lambda s: s.digest(args.since, long=args.long))
    _print_briefing(briefing, args.json)
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import run

    if not args.verbose:
        logging.getLogger("bot").setLevel(logging.INFO)  # start-up, jobs and errors, not every request
    return run(settings)


if __name__ == "__main__":
    raise SystemExit(main())
