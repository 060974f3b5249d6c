"""The `sotong` command line: one function per command (CONTRACT.md, "Command line")."""

from __future__ import annotations

import asyncio
import csv
import shutil
import socket
import sys
import tempfile
from importlib.resources import files
from pathlib import Path
from typing import TextIO

import click
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong import __version__
from sotong.accounts.passwords import WeakPassword, generate_password, hash_password
from sotong.accounts.service import add_user
from sotong.clock import utc_now
from sotong.config import (
    ConfigError,
    DisplaySettings,
    RuleSettings,
    ServerSettings,
    Settings,
    SourceSettings,
    StorageSettings,
    WallSettings,
    load_settings,
    require_secret_key,
)
from sotong.contest.demo import seed_demo_contest
from sotong.display.demo import demo_agenda
from sotong.domain import Role, TokenScope, Wall
from sotong.export import CSV_COLUMNS, csv_row, post_record
from sotong.logs import configure_logging
from sotong.store import agenda, posts, tokens, users
from sotong.store.database import Database
from sotong.store.users import EmailTaken
from sotong.store.walls import load_walls, sync_walls
from sotong.wire import dumps, wall_to_wire

DEMO_ADMIN = "admin@sotong.demo"
EXIT_CONFIG = 2
EXIT_FAILURE = 1
SOURCE_CHECK_SECONDS = 20.0
SEED_HASHTAGS = ["#2017서울소통컨퍼런스", "#서울소셜컨퍼런스"]

config_option = click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="configuration file (default: ./sotong.toml)",
)


def _fail_config(error: ConfigError) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(EXIT_CONFIG)


def _load(config_path: Path | None) -> Settings:
    try:
        return load_settings(config_path)
    except ConfigError as error:
        _fail_config(error)
        raise AssertionError("unreachable") from None


def _config_name(config_path: Path | None) -> str:
    return str(config_path or "sotong.toml")


def _setup_logging(log_format: str = "text") -> None:
    configure_logging(log_format)


async def _served_wall(connection: AsyncConnection, slug: str) -> Wall | None:
    """A wall being served, from the file or made in the console."""
    for record in await load_walls(connection):
        if record.wall.slug == slug:
            return record.wall
    return None


async def _prepare_database(settings: Settings) -> Database:
    db = Database(settings.storage.database_url)
    await db.upgrade()
    async with db.write() as connection:
        await sync_walls(connection, settings.walls, utc_now())
    return db


@click.group()
@click.version_option(__version__, prog_name="sotong")
def main() -> None:
    """Sotong (소통): a live social wall for events and public institutions."""


@main.command()
@click.argument(
    "path", type=click.Path(dir_okay=False, path_type=Path), default=Path("sotong.toml")
)
@click.option("--force", is_flag=True, help="overwrite an existing file")
def init(path: Path, force: bool) -> None:
    """Write an annotated example configuration."""
    if path.exists() and not force:
        click.echo(f"error: {path} already exists (use --force to overwrite)", err=True)
        sys.exit(EXIT_FAILURE)
    example = files("sotong").joinpath("config_example.toml").read_text(encoding="utf-8")
    path.write_text(example, encoding="utf-8")
    click.echo(f"wrote {path}; set SOTONG_SECRET_KEY, then run: sotong serve -c {path}", err=True)


@main.command()
@config_option
@click.option("--host", default=None, help="address to listen on (overrides server.host)")
@click.option("--port", type=int, default=None, help="port to listen on (overrides server.port)")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
    help="warning and above leave out the access log",
)
def serve(config_path: Path | None, host: str | None, port: int | None, log_level: str) -> None:
    """Run the server for a configuration; applies pending migrations on start."""
    from sotong import server
    from sotong.app import create_app

    settings = _load(config_path)
    try:
        require_secret_key(settings, _config_name(config_path))
        app = create_app(settings)
    except ConfigError as error:
        _fail_config(error)
    _setup_logging(settings.server.log_format)
    try:
        sock = server.bind(
            host or settings.server.host, settings.server.port if port is None else port
        )
    except OSError as error:
        click.echo(f"error: cannot listen on {host or settings.server.host}: {error}", err=True)
        sys.exit(EXIT_FAILURE)
    bound_host, bound_port = sock.getsockname()[:2]
    click.echo(f"listening on http://{bound_host}:{bound_port}", err=True)
    server.run(app, sock, log_level=log_level, json_logs=settings.server.log_format == "json")


@main.command()
@config_option
def check(config_path: Path | None) -> None:
    """Validate the configuration, reach the database and try every source once."""
    from sotong.app import configured_sources
    from sotong.sources.http import http_client

    settings = _load(config_path)
    try:
        require_secret_key(settings, _config_name(config_path))
        sources = configured_sources(settings, _config_name(config_path))
    except ConfigError as error:
        _fail_config(error)

    async def run_checks() -> list[str]:
        problems = []
        db = Database(settings.storage.database_url)
        try:
            await db.ping()
        except Exception as error:
            problems.append(f"database {settings.storage.database_url!r} does not answer: {error}")
        finally:
            await db.close()
        async with http_client(settings) as http:
            for configured in sources:
                label = f"{configured.location} ({configured.type}, wall {configured.wall_slug})"
                try:
                    message = await asyncio.wait_for(
                        configured.source.check(http), SOURCE_CHECK_SECONDS
                    )
                    click.echo(f"ok: {label}: {message}")
                except TimeoutError:
                    problems.append(f"{label}: no answer within {SOURCE_CHECK_SECONDS:.0f} s")
                except Exception as error:
                    problems.append(f"{label}: {error}")
        return problems

    problems = asyncio.run(run_checks())
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        sys.exit(EXIT_FAILURE)
    click.echo(f"ok: {len(settings.walls)} wall(s), {len(sources)} source(s), database reachable")


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@config_option
def db_upgrade(config_path: Path | None) -> None:
    """Apply pending migrations."""
    settings = _load(config_path)

    async def upgrade() -> None:
        await (await _prepare_database(settings)).close()

    asyncio.run(upgrade())
    click.echo("database is up to date", err=True)


@main.group()
def user() -> None:
    """Admin-console users."""


@user.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="read the password from standard input; without it one is generated and printed once",
)
@config_option
def user_add(email: str, role: str, password_stdin: bool, config_path: Path | None) -> None:
    """Add a console user. A generated password is printed on stdout, nothing else."""
    settings = _load(config_path)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        generated = False
    else:
        password, generated = generate_password(), True

    async def create() -> None:
        db = await _prepare_database(settings)
        try:
            await add_user(db, email, Role(role), password, utc_now(), actor="cli")
        finally:
            await db.close()

    try:
        asyncio.run(create())
    except EmailTaken:
        click.echo(f"error: a user {email!r} exists already", err=True)
        sys.exit(EXIT_FAILURE)
    except (WeakPassword, ValueError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    click.echo(f"user {users.normalise_email(email)} added as {role}", err=True)
    if generated:
        click.echo(password)


@main.group()
def token() -> None:
    """Scoped API tokens."""


@token.command("create")
@click.option("--wall", "slug", required=True, help="the wall the token is for")
@click.option("--scope", type=click.Choice([s.value for s in TokenScope]), required=True)
@click.option("--name", default="cli", show_default=True, help="a label to recognise the token by")
@config_option
def token_create(slug: str, scope: str, name: str, config_path: Path | None) -> None:
    """Print a new API token on stdout (it is shown only this once)."""
    settings = _load(config_path)

    async def create() -> str | None:
        db = await _prepare_database(settings)
        try:
            async with db.write() as connection:
                wall = await _served_wall(connection, slug)
                if wall is None:
                    return None
                _, value = await tokens.create_token(
                    connection, wall.id, TokenScope(scope), name, utc_now()
                )
            return value
        finally:
            await db.close()

    value = asyncio.run(create())
    if value is None:
        _fail_config(ConfigError(_config_name(config_path), "walls", f"no wall with slug {slug!r}"))
    click.echo(value)


@token.command("list")
@config_option
def token_list(config_path: Path | None) -> None:
    """List tokens (never their values)."""
    settings = _load(config_path)

    async def fetch() -> list[tokens.TokenRecord]:
        db = await _prepare_database(settings)
        try:
            async with db.read() as connection:
                return await tokens.list_tokens(connection)
        finally:
            await db.close()

    for record in asyncio.run(fetch()):
        state = f"revoked {record.revoked_at:%Y-%m-%d %H:%M}" if record.revoked_at else "active"
        click.echo(f"{record.id}\t{record.wall_slug}\t{record.scope.value}\t{record.name}\t{state}")


@token.command("revoke")
@click.argument("token_id", type=int)
@config_option
def token_revoke(token_id: int, config_path: Path | None) -> None:
    """Revoke a token by its id (see `sotong token list`); it stops working at once."""
    settings = _load(config_path)

    async def revoke() -> bool:
        db = await _prepare_database(settings)
        try:
            async with db.write() as connection:
                return await tokens.revoke_token(connection, token_id, utc_now())
        finally:
            await db.close()

    if not asyncio.run(revoke()):
        click.echo(f"error: no active token with id {token_id}", err=True)
        sys.exit(EXIT_FAILURE)
    click.echo(f"token {token_id} revoked", err=True)


EXPORT_PAGE = 500


@main.command()
@click.option("--wall", "slug", required=True, help="the wall whose posts to export")
@click.option("--format", "export_format", type=click.Choice(["csv", "json"]), required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="write here instead of standard output",
)
@config_option
def export(slug: str, export_format: str, output: Path | None, config_path: Path | None) -> None:
    """Export a wall's posts, in every state, oldest first (progress on stderr).

    CSV opens in spreadsheets with Korean intact (UTF-8 with a byte-order mark) and cells that
    could run as formulas are quoted; JSON is {"wall": ..., "posts": [...]}.
    """
    settings = _load(config_path)

    async def write(target: TextIO) -> int | None:
        db = await _prepare_database(settings)
        try:
            async with db.read() as connection:
                wall = await _served_wall(connection, slug)
                if wall is None:
                    return None
                total = await posts.count_posts(connection, wall.id)
            return await _export_posts(db, wall, export_format, target, total)
        finally:
            await db.close()

    if output is None:
        written = asyncio.run(write(sys.stdout))
    else:
        encoding = "utf-8-sig" if export_format == "csv" else "utf-8"
        with output.open("w", encoding=encoding, newline="") as target:
            written = asyncio.run(write(target))
    if written is None:
        if output is not None:
            output.unlink(missing_ok=True)
        _fail_config(ConfigError(_config_name(config_path), "walls", f"no wall with slug {slug!r}"))
    click.echo(f"exported {written} posts of wall {slug}", err=True)


async def _export_posts(
    db: Database, wall: Wall, export_format: str, target: TextIO, total: int
) -> int:
    written = 0
    rows = csv.writer(target)
    if export_format == "csv":
        rows.writerow(CSV_COLUMNS)
    else:
        target.write('{"wall": ' + dumps(wall_to_wire(wall)) + ', "posts": [\n')
    after: str | None = None
    with click.progressbar(length=total, label="exporting", file=sys.stderr) as progress:
        while True:
            async with db.read() as connection:
                page = await posts.every_post_page(connection, wall.id, after, EXPORT_PAGE)
            if not page:
                break
            for post in page:
                if export_format == "csv":
                    rows.writerow(csv_row(post))
                else:
                    target.write((",\n" if written else "") + dumps(post_record(post)))
                written += 1
            progress.update(len(page))
            after = page[-1].id
    if export_format == "json":
        target.write("\n]}\n")
    return written


@main.group()
def contest() -> None:
    """The creativity contest: check a draw, delete expired prize claims."""


@contest.command("verify")
@click.argument("source")
def contest_verify(source: str) -> None:
    """Recompute a draw's winners from its published record: a file, or the URL of
    /api/v1/walls/SLUG/contests/ID/draw. Exit 0 when they match, 1 when not."""
    from sotong.contest.draw import verify_record
    from sotong.contest.verify import RecordUnreadable, load_record, report

    try:
        record = load_record(source)
    except RecordUnreadable as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    verdict = verify_record(record)
    for line in report(record, verdict):
        click.echo(line)
    if not verdict.ok:
        sys.exit(EXIT_FAILURE)


@contest.command("purge-claims")
@config_option
def contest_purge(config_path: Path | None) -> None:
    """Delete winners' contact details past their retention now (the server also does it)."""
    from sotong.contest.runtime import ContestRuntime
    from sotong.live.bus import MemoryBus

    settings = _load(config_path)

    async def purge() -> int:
        db = await _prepare_database(settings)
        try:
            return await ContestRuntime.build(settings, db, MemoryBus()).desk.purge()
        finally:
            await db.close()

    click.echo(f"deleted {asyncio.run(purge())} prize claim(s) past their retention", err=True)


def reachable_host(host: str) -> str:
    """The address phones on the venue network can use when the server listens on every
    interface (the QR code must not encode 0.0.0.0); the host itself otherwise."""
    if host not in ("0.0.0.0", "::", ""):  # noqa: S104 - comparing, not binding
        return f"[{host}]" if ":" in host else host
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            # Connecting a UDP socket sends nothing; it only picks the outgoing interface.
            probe.connect(("10.255.255.255", 1))
            address: str = probe.getsockname()[0]
            return address
    except OSError:
        return "127.0.0.1"


def demo_settings(data_dir: Path, host: str, port: int) -> Settings:
    public_url = f"http://{reachable_host(host)}:{port}"
    return Settings(
        server=ServerSettings(host=host, port=port, public_url=public_url),
        storage=StorageSettings(
            database_url=f"sqlite:///{data_dir / 'sotong.db'}", media_dir=data_dir / "media"
        ),
        walls=[
            WallSettings(
                slug="demo",
                title="2017 서울소통컨퍼런스 · 소셜월",
                hashtags=SEED_HASHTAGS,
                moderation="post",
                locale="ko",
                # The samples come round again and again; they are not copies to hold back.
                rules=RuleSettings(duplicate_text_hours=0),
                sources=[SourceSettings(type="demo")],
                display=DisplaySettings(countdown_next_session=True, sponsors_label="후원"),
            )
        ],
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True, help="0 picks a free port")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="keep the demo's database and images here (default: a temporary folder, removed at exit)",
)
def demo(host: str, port: int, data_dir: Path | None) -> None:
    """Run a self-contained demo wall with Korean sample posts arriving live."""
    from sotong import server
    from sotong.app import create_app

    _setup_logging()
    try:
        sock = server.bind(host, port)
    except OSError as error:
        click.echo(f"error: cannot listen on {host}:{port}: {error} (try --port 0)", err=True)
        sys.exit(EXIT_FAILURE)
    port = sock.getsockname()[1]
    temporary = data_dir is None
    folder = Path(tempfile.mkdtemp(prefix="sotong-demo-")) if data_dir is None else data_dir
    folder.mkdir(parents=True, exist_ok=True)
    settings = demo_settings(folder.resolve(), host, port)
    settings.server.secret_key = SecretStr(_demo_secret(folder))

    admin_password = generate_password()

    async def make_tokens() -> tuple[str, str]:
        db = await _prepare_database(settings)
        try:
            async with db.read() as connection:
                admin = await users.find_user(connection, DEMO_ADMIN)
            if admin is None:
                await add_user(db, DEMO_ADMIN, Role.OWNER, admin_password, utc_now(), actor="demo")
            else:
                async with db.write() as connection:
                    new_hash = await asyncio.to_thread(hash_password, admin_password)
                    await users.set_password(connection, admin.id, new_hash, utc_now())
            async with db.write() as connection:
                (wall,) = await sync_walls(connection, settings.walls, utc_now())
                _, moderate = await tokens.create_token(
                    connection, wall.id, TokenScope.MODERATE, "demo-admin", utc_now()
                )
                _, ingest = await tokens.create_token(
                    connection, wall.id, TokenScope.INGEST, "demo-ingest", utc_now()
                )
                if not await agenda.count_sessions(connection, wall.id):
                    await agenda.add_sessions(
                        connection, wall.id, demo_agenda(utc_now()), utc_now()
                    )
            await seed_demo_contest(db, wall.id, utc_now())
            return moderate, ingest
        finally:
            await db.close()

    try:
        moderate_token, ingest_token = asyncio.run(make_tokens())
        app = create_app(settings)
        base = settings.server.public_url
        banner = _demo_banner(base, folder, moderate_token, ingest_token, admin_password)
        click.echo(banner, err=True)
        server.run(app, sock)
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
    click.echo("demo stopped", err=True)


def _demo_secret(folder: Path) -> str:
    """The demo's secret key, kept in its folder so claim codes survive a restart."""
    path = folder / "secret-key"
    if not path.exists():
        path.write_text(generate_password() + generate_password(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _demo_banner(
    base: str, folder: Path, moderate_token: str, ingest_token: str, admin_password: str
) -> str:
    return f"""
  소통 Sotong demo — 2017 서울소통컨퍼런스 소셜월
  ─────────────────────────────────────────────
  wall (big screen)   {base}/w/demo
  embed               {base}/w/demo/embed
  photo upload (QR)   {base}/w/demo/post      QR code: {base}/w/demo/qr.svg
                      (phones on your network: run with --host 0.0.0.0)
  API docs            {base}/docs
  contest             {base}/admin/walls/demo/contests   (audience vote: {base}/w/demo/vote)
  data                {folder}

  one-time admin credentials (shown only now):
    console           {base}/admin/
      e-mail          {DEMO_ADMIN}
      password        {admin_password}
    moderation token  {moderate_token}
    ingest token      {ingest_token}

  try it:
    curl -s -X POST {base}/api/v1/walls/demo/posts \\
      -H 'Authorization: Bearer {ingest_token}' -H 'Content-Type: application/json' \\
      -d '{{"external_id": "hello-1", "author": {{"name": "나"}},
           "text": "안녕하세요! #서울소셜컨퍼런스"}}'
    curl -s -X POST {base}/api/v1/walls/demo/posts/<id>/decision \\
      -H 'Authorization: Bearer {moderate_token}' -H 'Content-Type: application/json' \\
      -d '{{"action": "reject"}}'

  Ctrl-C stops the demo.
"""
