"""`flask routing ...`: routing rules from a CSV file, and a listing."""

import click
from flask.cli import AppGroup

from engage.platform.audit import current_actor
from engage.platform.csv_cli import import_or_exit
from engage.teams.rules import import_rules, list_rules, rules_csv

routing_cli = AppGroup("routing", help="Routing rules: which team leads on a concern and who is copied.")


@routing_cli.command("import")
@click.argument("path")
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change; store nothing.")
def import_command(path, dry_run):
    """Create or update routing rules from CSV with columns
    ward_code,lad_code,category,lead_team,copy_teams,priority,note.

    Blank ward_code and lad_code: anywhere; blank category: any; blank lead_team:
    the ward's INT; copy_teams: team codes separated by ';'. A rule is identified by
    its ward, authority and category: a row for a rule that exists updates it (and
    makes it active). Every row is checked first: if any is wrong, nothing is imported."""
    # The rules record who edited them: the person import_or_exit is acting as.
    result = import_or_exit(path, lambda: import_rules(path, edited_by=current_actor()[1], dry_run=dry_run), dry_run)
    click.echo(result.summary())
    for kind in ("created", "updated"):
        rows = getattr(result, kind)
        if rows:
            click.echo(f"  {kind}: {', '.join(rows)}")


@routing_cli.command("list")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="csv: the active rules as a file `routing import` reads back.",
)
def list_command(fmt):
    """List the rules, most specific first (the order routing weighs them): id, area,
    category, lead, copied teams, priority, then 'inactive', 'sample' and the note."""
    rules = list_rules()
    if fmt == "csv":
        click.echo(rules_csv(rules), nl=False)
        return
    for r in rules:
        area = (
            f"ward {r.ward.code} {r.ward.name}"
            if r.ward
            else f"authority {r.local_authority.code} {r.local_authority.name}"
            if r.local_authority
            else "anywhere"
        )
        lead = r.lead_team.code if r.lead_team else "ward's INT"
        copies = ";".join(t.code for t in r.copy_teams) or "-"
        flags = ("" if r.is_active else "\tinactive") + ("\tsample" if r.is_demo else "")
        note = f"\t{r.note}" if r.note else ""
        click.echo(
            f"#{r.id}\t{area}\t{r.category.code if r.category else 'any'}\t{lead}\t{copies}\t"
            f"priority {r.priority}{flags}{note}"
        )
    active = sum(r.is_active for r in rules)
    click.echo(f"{len(rules)} rules ({active} active)")
