//! The start page's panels: each a title, figures that link to the list they count, and for
//! some a small table (by town, by department). One function per subject; the roles pick theirs
//! in `home::show`.

use super::{Desk, month_inspections};
use crate::dashboard::{Asked, StatRow, stats};
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use safegrid_domain::access::Scope;
use safegrid_domain::hazard::report::Period as ReportPeriod;
use safegrid_domain::hazard::stats::{FoundWindow, StatsGroup};
use safegrid_domain::policy::{Object, Verb, allowed};
use safegrid_domain::region::RegionLevel;
use safegrid_domain::time::today;
use safegrid_store::{GridFilter, Hazard, HazardFilter, PageRequest, StandingFilter};

/// One figure: how many, of what, and where they are listed.
pub struct Tile {
    pub key: &'static str,
    pub count: i64,
    pub label: String,
    pub href: String,
    /// `bad` when the figure is work left undone, `ok` when nothing is, else plain.
    pub tone: &'static str,
}

/// A row of a panel's table: a place or department, and its figures with their lists.
pub struct TableRow {
    pub label: String,
    pub href: String,
    pub cells: Vec<(i64, String)>,
}

pub struct Table {
    pub heads: Vec<String>,
    pub rows: Vec<TableRow>,
}

pub struct Panel {
    pub key: &'static str,
    pub title: String,
    pub tiles: Vec<Tile>,
    pub table: Option<Table>,
}

/// A figure that is work to do: red when any, green when none.
fn work(key: &'static str, count: i64, label: String, href: String) -> Tile {
    Tile {
        key,
        count,
        label,
        href,
        tone: if count > 0 { "bad" } else { "ok" },
    }
}

/// A figure to know, not to act on.
fn plain(key: &'static str, count: i64, label: String, href: String) -> Tile {
    Tile {
        key,
        count,
        label,
        href,
        tone: "plain",
    }
}

/// The hazards in the reader's scope that wait on someone: overdue, waiting to be accepted,
/// waiting for verification, new village reports (town), major and listed ones (county).
pub(super) async fn hazards(
    state: &AppState,
    t: &Tr,
    user: &PageUser,
    desk: Desk,
) -> Result<Panel, WebError> {
    let counts = state
        .store
        .hazard_counts(&user.actor, &HazardFilter::default())
        .await?;
    let in_state = |s: &str| counts.by_state.get(s).copied().unwrap_or(0);
    let open = counts.total - in_state("closed") - in_state("rejected");
    let label = |k: &str| t.t(&format!("home.hazards.{k}")).to_owned();
    let mut tiles = vec![work(
        "overdue",
        counts.overdue,
        label("overdue"),
        "/hazards?overdue=1".into(),
    )];
    match desk {
        Desk::Unit => {
            tiles.push(work(
                "rectifying",
                in_state("rectifying"),
                label("rectifying"),
                "/hazards?state=rectifying".into(),
            ));
            tiles.push(plain(
                "awaiting_verification",
                in_state("awaiting_verification"),
                label("awaiting_verification"),
                "/hazards?state=awaiting_verification".into(),
            ));
        }
        Desk::Village => {
            tiles.push(plain(
                "open",
                open,
                label("open_village"),
                "/hazards?open=1".into(),
            ));
            tiles.push(plain(
                "reported",
                in_state("reported"),
                label("reported"),
                "/hazards?state=reported".into(),
            ));
        }
        Desk::County | Desk::Town | Desk::Department => {
            tiles.push(work(
                "reported",
                in_state("reported"),
                label("reported"),
                "/hazards?state=reported".into(),
            ));
            tiles.push(work(
                "awaiting_verification",
                in_state("awaiting_verification"),
                label("awaiting_verification"),
                "/hazards?state=awaiting_verification".into(),
            ));
            if desk == Desk::Town {
                let village = state
                    .store
                    .hazard_counts(
                        &user.actor,
                        &HazardFilter {
                            source: Some("village_report".into()),
                            ..Default::default()
                        },
                    )
                    .await?;
                tiles.push(work(
                    "village_reports",
                    village.by_state.get("reported").copied().unwrap_or(0),
                    label("village_reports"),
                    "/hazards?source=village_report&state=reported".into(),
                ));
            }
            let open_major = open_of(
                state,
                user,
                HazardFilter {
                    level: Some("major".into()),
                    ..Default::default()
                },
            )
            .await?;
            tiles.push(plain(
                "major",
                open_major,
                label("major"),
                "/hazards?level=major&open=1".into(),
            ));
            let listed = open_of(
                state,
                user,
                HazardFilter {
                    listed: Some(true),
                    ..Default::default()
                },
            )
            .await?;
            tiles.push(plain(
                "listed",
                listed,
                label("listed"),
                "/hazards?listed=1&open=1".into(),
            ));
            tiles.push(plain("open", open, label("open"), "/hazards?open=1".into()));
        }
    }
    Ok(Panel {
        key: "hazards",
        title: t.t("home.hazards.title").to_owned(),
        tiles,
        table: None,
    })
}

async fn open_of(state: &AppState, user: &PageUser, filter: HazardFilter) -> Result<i64, WebError> {
    let c = state.store.hazard_counts(&user.actor, &filter).await?;
    let closed = |s: &str| c.by_state.get(s).copied().unwrap_or(0);
    Ok(c.total - closed("closed") - closed("rejected"))
}

fn hazard_table(t: &Tr, rows: Vec<StatRow>, link: impl Fn(&str) -> String) -> Table {
    let mut rows: Vec<StatRow> = rows.into_iter().filter(|r| r.open > 0).collect();
    rows.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| b.open.cmp(&a.open))
            .then_with(|| a.key.cmp(&b.key))
    });
    Table {
        heads: vec![
            t.t("home.hazards.open").to_owned(),
            t.t("home.hazards.overdue").to_owned(),
        ],
        rows: rows
            .into_iter()
            .map(|r| {
                let base = link(&r.key);
                TableRow {
                    label: r.label,
                    cells: vec![
                        (r.open, format!("{base}&open=1")),
                        (r.overdue, format!("{base}&overdue=1")),
                    ],
                    href: base,
                }
            })
            .collect(),
    }
}

/// Open and overdue hazards by town (for the county) or village (for a town).
pub(super) async fn hazards_by_place(
    state: &AppState,
    t: &Tr,
    user: &PageUser,
) -> Result<Panel, WebError> {
    let group = match &user.actor.scope {
        Scope::Region { root } if root.level() >= RegionLevel::Town => StatsGroup::Village,
        _ => StatsGroup::Town,
    };
    let rows = stats(
        state,
        t,
        &user.actor,
        &Asked {
            group,
            region: None,
            window: FoundWindow::default(),
        },
    )
    .await?;
    Ok(Panel {
        key: "by_place",
        title: t
            .t("home.hazards.by_place")
            .replace("{place}", t.t(&format!("stats.by.{}", group.as_str()))),
        tiles: Vec::new(),
        table: Some(hazard_table(t, rows, |k| format!("/hazards?region={k}"))),
    })
}

/// Open and overdue hazards by the department responsible or supervising.
pub(super) async fn hazards_by_department(
    state: &AppState,
    t: &Tr,
    user: &PageUser,
) -> Result<Panel, WebError> {
    let rows = stats(
        state,
        t,
        &user.actor,
        &Asked {
            group: StatsGroup::Department,
            region: None,
            window: FoundWindow::default(),
        },
    )
    .await?;
    Ok(Panel {
        key: "by_department",
        title: t.t("home.hazards.by_department").to_owned(),
        tiles: Vec::new(),
        table: Some(hazard_table(t, rows, |k| {
            format!("/hazards?department={k}")
        })),
    })
}

/// This month's inspection duties: due, overdue, done.
pub(super) async fn inspections(
    state: &AppState,
    t: &Tr,
    user: &PageUser,
) -> Result<Option<Panel>, WebError> {
    let Some(m) = month_inspections(state, user, None).await? else {
        return Ok(None);
    };
    let href = |s: &str| format!("/duties?kind=inspection&period={}&state={s}", m.month);
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    Ok(Some(Panel {
        key: "inspections",
        title: t.t("home.inspections_month").to_owned(),
        tiles: vec![
            plain(
                "due",
                n(m.due),
                t.t("home.inspections_due").to_owned(),
                href("due"),
            ),
            work(
                "overdue",
                n(m.overdue),
                t.t("home.inspections_overdue").to_owned(),
                href("overdue"),
            ),
            Tile {
                tone: "ok",
                ..plain(
                    "done",
                    n(m.done),
                    t.t("home.inspections_done").to_owned(),
                    href("done"),
                )
            },
        ],
        table: None,
    }))
}

/// The last ended quarter's statistics reports: missing after the due day, not yet due, late.
pub(super) async fn reports(
    state: &AppState,
    t: &Tr,
    user: &PageUser,
) -> Result<Option<Panel>, WebError> {
    if !allowed(user.actor.role, Verb::Read, Object::HazardReport) {
        return Ok(None);
    }
    let (quarter, _) = ReportPeriod::latest(today());
    let (_, counts) = state
        .store
        .report_standings(
            &user.actor,
            quarter,
            &StandingFilter::default(),
            PageRequest::new(Some(1), Some(1)),
        )
        .await?;
    let list = match &user.actor.scope {
        Scope::Unit { unit_id, .. } => format!("/units/{unit_id}/reports?"),
        _ => format!("/reports?period={}&", quarter.code()),
    };
    let not_due = counts.units - counts.on_time - counts.late - counts.missing;
    let label = |k: &str| {
        t.t(&format!("home.reports.{k}"))
            .replace("{due}", &quarter.due().to_string())
    };
    let mut tiles = vec![work(
        "missing",
        counts.missing,
        label("missing"),
        format!("{list}standing=missing"),
    )];
    if not_due > 0 {
        tiles.push(plain(
            "not_due",
            not_due,
            label("not_due"),
            format!("{list}standing=not_due"),
        ));
    }
    tiles.push(plain(
        "late",
        counts.late,
        label("late"),
        format!("{list}standing=late"),
    ));
    tiles.push(Tile {
        tone: "ok",
        ..plain(
            "on_time",
            counts.on_time,
            label("on_time"),
            format!("{list}standing=on_time"),
        )
    });
    Ok(Some(Panel {
        key: "reports",
        title: t.t("home.reports.title").replace(
            "{period}",
            &crate::reports::pages::period_label(t, &quarter),
        ),
        tiles,
        table: None,
    }))
}

/// Grids short of people, and units no grid or department covers.
pub(super) async fn coverage(state: &AppState, t: &Tr, user: &PageUser) -> Result<Panel, WebError> {
    let gaps = state
        .store
        .grids(
            &user.actor,
            &GridFilter {
                gaps_only: true,
                ..Default::default()
            },
            PageRequest::new(Some(1), Some(1)),
        )
        .await?;
    let blind = state.store.coverage(&user.actor).await?;
    let units = blind
        .iter()
        .filter(|c| c.object.object_type == "unit")
        .count();
    Ok(Panel {
        key: "coverage",
        title: t.t("home.gaps_title").to_owned(),
        tiles: vec![
            work(
                "grid_gaps",
                gaps.total,
                t.t("home.gaps").to_owned(),
                "/grids?gaps_only=1".into(),
            ),
            work(
                "blind_units",
                i64::try_from(units).unwrap_or(i64::MAX),
                t.t("home.blind_units").to_owned(),
                "/coverage".into(),
            ),
        ],
        table: None,
    })
}

/// The unit's management systems not yet in place.
pub(super) async fn unit_file(
    state: &AppState,
    t: &Tr,
    user: &PageUser,
) -> Result<Option<Panel>, WebError> {
    let Scope::Unit { unit_id, .. } = user.actor.scope else {
        return Ok(None);
    };
    let systems = state.store.unit_systems(&user.actor, unit_id).await?;
    let missing = systems.iter().filter(|s| !s.in_place).count();
    Ok(Some(Panel {
        key: "unit_file",
        title: t.t("home.unit_file").to_owned(),
        tiles: vec![work(
            "systems_missing",
            i64::try_from(missing).unwrap_or(i64::MAX),
            t.t("home.systems_missing").to_owned(),
            format!("/units/{unit_id}/systems"),
        )],
        table: None,
    }))
}

/// The hazards the grid member reported, newest first, with their state.
pub(super) async fn my_reports(
    state: &AppState,
    t: &Tr,
    user: &PageUser,
) -> Result<(String, Vec<Hazard>, String), WebError> {
    let page = state
        .store
        .hazards(
            &user.actor,
            &HazardFilter {
                reported_by: Some(user.account.id),
                ..Default::default()
            },
            PageRequest::new(Some(1), Some(10)),
        )
        .await?;
    Ok((
        t.t("home.my_reports")
            .replace("{n}", &page.total.to_string()),
        page.items,
        "/hazards?mine=1".into(),
    ))
}

/// The unit's open hazards, the nearest deadline first.
pub(super) async fn to_rectify(
    state: &AppState,
    t: &Tr,
    user: &PageUser,
) -> Result<(String, Vec<Hazard>, String), WebError> {
    let page = state
        .store
        .hazards(
            &user.actor,
            &HazardFilter {
                open: Some(true),
                ..Default::default()
            },
            PageRequest::new(Some(1), Some(100)),
        )
        .await?;
    let mut items = page.items;
    items.sort_by_key(|h| (h.deadline.is_none(), h.deadline, h.id));
    items.truncate(10);
    Ok((
        t.t("home.to_rectify")
            .replace("{n}", &page.total.to_string()),
        items,
        "/hazards?open=1".into(),
    ))
}
