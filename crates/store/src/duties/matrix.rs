//! The duty matrix: the units of a scope against the months of a window, each cell the state
//! of the duties covering that unit and month (a quarter's duty colours its three months), so
//! a town, a department or a grid sees at a glance which units are behind and when.

use super::{DutyFilter, DutySetData};
use crate::Result;
use crate::db::Store;
use safegrid_domain::access::Actor;
use safegrid_domain::duty::{Cadence, DutyState, Period, Tally};
use serde::Serialize;
use std::collections::HashMap;

/// One unit's row: the state of each month of the window (`None`: nothing owed that month).
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub unit_id: i64,
    pub unit_name: String,
    pub region_name: Option<String>,
    pub cells: Vec<Option<DutyState>>,
    pub due: u64,
    pub done: u64,
    pub overdue: u64,
}

/// The matrix of a window: its months and the units' rows, most behind first.
#[derive(Debug, Clone, Serialize)]
pub struct DutyMatrix {
    pub months: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

/// The state a cell shows when several duties cover it: the one most in need of attention.
fn worse(a: Option<DutyState>, b: DutyState) -> DutyState {
    let rank = |s: DutyState| match s {
        DutyState::Done => 0,
        DutyState::Due => 1,
        DutyState::Overdue => 2,
    };
    match a {
        Some(a) if rank(a) >= rank(b) => a,
        _ => b,
    }
}

pub(super) fn matrix(set: &DutySetData, filter: &DutyFilter, window: Period) -> DutyMatrix {
    let months = window.periods_of(Cadence::Monthly);
    let mut rows: HashMap<i64, (Vec<Option<DutyState>>, Tally)> = HashMap::new();
    for d in &set.duties {
        if filter.state.is_some_and(|s| d.state != s) {
            continue;
        }
        // A party's own duty (its plan) has no unit's row.
        let Some(unit_id) = d.unit_id else { continue };
        let (cells, tally) = rows
            .entry(unit_id)
            .or_insert_with(|| (vec![None; months.len()], Tally::default()));
        tally.add(d.state);
        for (cell, month) in cells.iter_mut().zip(&months) {
            if d.period.overlaps(*month) {
                *cell = Some(worse(*cell, d.state));
            }
        }
    }
    let mut rows: Vec<MatrixRow> = rows
        .into_iter()
        .map(|(unit_id, (cells, t))| {
            let unit = set.units.get(&unit_id);
            MatrixRow {
                unit_id,
                unit_name: unit.map(|u| u.name.clone()).unwrap_or_default(),
                region_name: unit.and_then(|u| set.regions.get(&u.village).cloned()),
                cells,
                due: t.due,
                done: t.done,
                overdue: t.overdue,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| a.unit_name.cmp(&b.unit_name))
            .then_with(|| a.unit_id.cmp(&b.unit_id))
    });
    DutyMatrix {
        months: months.into_iter().map(Period::code).collect(),
        rows,
    }
}

impl Store {
    /// The duty matrix of the filter's scope and window (this year when the filter names
    /// none): every unit owing a duty, against the window's months.
    pub async fn duty_matrix(&self, actor: &Actor, filter: &DutyFilter) -> Result<DutyMatrix> {
        let set = self.duty_set(actor, filter).await?;
        Ok(matrix(
            &set,
            filter,
            super::window(filter, safegrid_domain::time::today()),
        ))
    }
}
