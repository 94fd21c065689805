"""The `flask --app impact_tracker ...` commands. Each parses its arguments and calls a service."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app

from .assessment import services as assessment
from .assessment.framework import FrameworkError, load_framework
from .auth.services import create_token
from .core.errors import DomainError
from .core.mixins import utcnow
from .core.permissions import Role
from .demo import database_is_empty, seed_demo
from .extensions import db
from .orgs import services as orgs
from .orgs.models import OrgType
from .orgs.queries import get_organisation_by_code, get_region_by_code, get_system_by_code, get_user_by_email
from .transfer import services as transfer

ROLE_SLUGS = [role.value for role in Role]


def _read_password() -> str:
    """Prompt twice on a terminal; read one line from stdin when piped (for scripts)."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


def _fail(message: str) -> None:
    raise click.ClickException(message)


def register_cli(app: Flask) -> None:
    """Add the commands to the app's `flask` group."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(create_token_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_region_command)
    app.cli.add_command(create_system_command)
    app.cli.add_command(create_organisation_command)
    app.cli.add_command(import_framework_command)
    app.cli.add_command(generate_scale_command)
    app.cli.add_command(export_org_command)
    app.cli.add_command(import_org_command)
    app.cli.add_command(set_password_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(refresh_summaries_command)


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--org", "org_code", help="Organisation code (for organisation roles).")
@click.option("--system", "system_code", help="System code (for system viewers).")
@click.option("--region", "region_code", help="Region code (for region viewers).")
@click.option("--role", type=click.Choice(ROLE_SLUGS), required=True, help="Role slug.")
def create_user_command(email, name, org_code, system_code, region_code, role):
    """Create an account. The password is prompted for, or read from stdin when piped."""
    scope = _scope(org_code, system_code, region_code)
    password = _read_password()
    try:
        user, _ = orgs.create_account(orgs.NewUser(email, name, Role(role), password), scope)
    except DomainError as err:
        _fail(err.message)
    click.echo(f"Created {user.email} ({user.role_label}, {user.scope_name}).")


def _scope(org_code, system_code, region_code) -> orgs.Scope:
    organisation = get_organisation_by_code(org_code) if org_code else None
    if org_code and organisation is None:
        _fail(f"No organisation has the code {org_code}.")
    system = get_system_by_code(system_code) if system_code else None
    if system_code and system is None:
        _fail(f"No system has the code {system_code}.")
    region = get_region_by_code(region_code) if region_code else None
    if region_code and region is None:
        _fail(f"No region has the code {region_code}.")
    if organisation is not None:
        system = system or organisation.system
    return orgs.Scope(organisation=organisation, system=system, region=region)


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="Command line", show_default=True, help="A name to recognise the token by.")
def create_token_command(email, name):
    """Create an API token for EMAIL and print it (once) as the last line."""
    user = get_user_by_email(email)
    if user is None or not user.is_active:
        _fail(f"No active account has the email {email}.")
    token, _ = create_token(user, name)
    click.echo(f"API token for {user.email} (shown once, keep it secret):")
    click.echo(token)


@click.command("seed-demo")
@click.option("--password", help="Password for every demo account (default: a new random one).")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already holds data.")
def seed_demo_command(password, if_empty):
    """Load the fictional demo region DREG and print its sign-ins."""
    if if_empty and not database_is_empty():
        click.echo("The database already holds data; demo data not loaded.")
        return
    try:
        password, sign_ins = seed_demo(password)
    except DomainError as err:
        _fail(err.message)
    click.echo("Demo data loaded. Sign in at http://127.0.0.1:5000 with any of these:")
    for sign_in in sign_ins:
        click.echo(f"  {sign_in.email:<34} {sign_in.role.value}")
    click.echo(f"Password for every demo account: {password}")


@click.command("create-region")
@click.argument("code")
@click.argument("name")
def create_region_command(code, name):
    """Add an NHS region, e.g. `create-region Y56 "London"`."""
    if get_region_by_code(code):
        _fail(f"Region code {code.upper()} is already in use.")
    region = orgs.create_region(code, name)
    click.echo(f"Created region {region.code} ({region.name}).")


@click.command("create-system")
@click.argument("code")
@click.argument("name")
@click.option("--region", "region_code", required=True, help="The region's code.")
def create_system_command(code, name, region_code):
    """Add an integrated care system to a region."""
    region = get_region_by_code(region_code)
    if region is None:
        _fail(f"No region has the code {region_code}.")
    if get_system_by_code(code):
        _fail(f"System code {code.upper()} is already in use.")
    system = orgs.create_system(code, name, region)
    click.echo(f"Created system {system.code} ({system.name}) in {region.name}.")


@click.command("create-organisation")
@click.argument("code")
@click.argument("name")
@click.option("--type", "org_type", type=click.Choice([t.value for t in OrgType]), required=True)
@click.option("--system", "system_code", help="The integrated care system's code.")
def create_organisation_command(code, name, org_type, system_code):
    """Add an organisation by its ODS code, optionally inside a system."""
    system = get_system_by_code(system_code) if system_code else None
    if system_code and system is None:
        _fail(f"No system has the code {system_code}.")
    try:
        organisation = orgs.create_organisation(code, name, OrgType(org_type), system)
    except DomainError as err:
        _fail(err.message)
    click.echo(f"Created organisation {organisation.code} ({organisation.name}).")


@click.command("generate-scale")
@click.option("--organisations", default=220, show_default=True, help="Organisations; the rest scales with it.")
@click.option("--seed", default=1, show_default=True, help="Random seed (the same seed gives the same data).")
def generate_scale_command(organisations, seed):
    """Fill an EMPTY database with a synthetic national-shaped dataset for benchmarks."""
    import time

    from .scale import Shape, generate

    started = time.perf_counter()
    try:
        counts = generate(Shape.scaled(organisations), seed)
    except ValueError as err:
        _fail(str(err))
    summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
    click.echo(f"Generated {summary} in {time.perf_counter() - started:.0f} s.")


@click.command("refresh-summaries")
def refresh_summaries_command():
    """Re-analyse every measure and store its latest analysis (after an upgrade or a bulk load by SQL)."""
    from .measures.services.summary import refresh_all

    click.echo(f"Refreshed the latest analysis of {refresh_all():,} measures.")


@click.command("import-framework")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--not-default", is_flag=True, help="Load it without making it the framework new assessments use.")
def import_framework_command(path, not_default):
    """Check a self-assessment framework file (JSON) and load it as a new version."""
    try:
        framework = assessment.import_framework(load_framework(path), make_default=not not_default)
    except FrameworkError as err:
        _fail(f"{path.name} is not a valid framework: {err}")
    except DomainError as err:
        _fail(err.message)
    statements = sum(len(component.statements) for component in framework.components)
    click.echo(f"Loaded {framework.title}: {len(framework.components)} components, {statements} statements, "
               f"{len(framework.levels)} levels.{'' if not_default else ' New assessments will use it.'}")


def _stamp() -> str:
    return f"{utcnow():%Y%m%d-%H%M%S}"


@click.command("export-org")
@click.argument("code")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The zip to write (default: CODE-export-YYYYMMDD-HHMMSS.zip here). It must not exist yet.")
def export_org_command(code, output):
    """Write all of one organisation's data to a zip: JSON to import, CSV to read (never password or token hashes)."""
    output = output or Path(f"{code.upper()}-export-{_stamp()}.zip")
    try:
        summary = transfer.export_organisation(code, output)
    except DomainError as err:
        _fail(err.message)
    click.echo(f"Exported {code.upper()}: {sum(summary.counts.values()):,} rows from {len(summary.counts)} tables "
               f"to {summary.path}.")


@click.command("import-org")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_org_command(path):
    """Add the organisation in an export-org zip to this database: all or nothing, with new ids."""
    try:
        summary = transfer.import_organisation(path)
    except DomainError as err:
        _fail(err.message)
    people = summary.counts.get("app_user", 0)
    click.echo(f"Imported {summary.organisation}: {sum(summary.counts.values()):,} rows. Its {people} accounts have "
               "no password yet: give each one with `flask --app impact_tracker set-password EMAIL`.")
    if summary.created_shared:
        click.echo("Created: " + ", ".join(summary.created_shared) + ".")
    if summary.cleared:
        click.echo(f"{summary.cleared} references to records outside the organisation were left empty.")


@click.command("set-password")
@click.argument("email")
def set_password_command(email):
    """Give an account a temporary password (prompted, or read from stdin when piped), changed at first sign-in."""
    password = _read_password()
    try:
        user = transfer.give_password(email, password)
    except DomainError as err:
        _fail(err.message)
    click.echo(f"{user.email} can now sign in with that password, and must choose their own at once.")


@click.command("backup")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (default: instance/backups/impact-tracker-YYYYMMDD-HHMMSS.sqlite3).")
def backup_command(output):
    """Copy the SQLite database to a new file while the app keeps running (for PostgreSQL, use pg_dump)."""
    output = output or Path(current_app.instance_path) / "backups" / f"impact-tracker-{_stamp()}.sqlite3"
    try:
        summary = transfer.backup_sqlite(db.engine.url, output)
    except DomainError as err:
        _fail(err.message)
    click.echo(f"Backed up the database to {summary.path} ({summary.pages:,} pages, integrity {summary.integrity}).")
