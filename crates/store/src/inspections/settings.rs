//! What a county sets for its inspections: the cadence per grade, and its own checklist of any
//! sector (the defaults otherwise), kept in its settings.

use crate::audit::Event;
use crate::db::Store;
use crate::{Result, StoreError, settings};
use safegrid_domain::access::Actor;
use safegrid_domain::duty::inspection::InspectionCadence;
use safegrid_domain::inspection::checklist::{ChecklistInput, ChecklistItem, default_checklist};
use safegrid_domain::policy::{self, Object, Verb};
use serde::Serialize;
use serde_json::json;

/// A sector's checklist as the county uses it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Checklist {
    /// `general`, or a sector's code.
    pub sector: String,
    /// Whether the county keeps its own list (otherwise the default applies).
    pub customised: bool,
    pub items: Vec<ChecklistItem>,
}

fn checklist_key(sector: &str) -> String {
    format!("checklist:{sector}")
}

impl Store {
    /// The actor's county's inspection cadence (the plan's when it set none).
    pub async fn inspection_cadence(&self, actor: &Actor) -> Result<InspectionCadence> {
        if !policy::may(actor, Verb::Read, Object::Duty) {
            return Err(StoreError::Forbidden);
        }
        let county = actor.scope.county().ok_or(StoreError::NotFound)?;
        let mut c = self.read().await?;
        Ok(
            settings::read(&mut c.conn(), county.as_str(), InspectionCadence::SETTING)
                .await?
                .unwrap_or_default(),
        )
    }

    /// Sets the county's inspection cadence; the county administration only.
    pub async fn set_inspection_cadence(
        &self,
        actor: &Actor,
        input: InspectionCadence,
    ) -> Result<InspectionCadence> {
        if !policy::may(actor, Verb::Write, Object::GradeRule) {
            return Err(StoreError::Forbidden);
        }
        let cadence = InspectionCadence::parse(&input)?;
        let county = actor.scope.county().ok_or(StoreError::Forbidden)?;
        let mut tx = self.write().await?;
        settings::write(
            &mut tx.conn(),
            county.as_str(),
            InspectionCadence::SETTING,
            &cadence,
        )
        .await?;
        tx.commit_audited(
            actor,
            Event {
                chain: county.as_str(),
                action: "settings.inspection_cadence",
                object_type: "county_settings",
                object_id: Some(InspectionCadence::SETTING.to_owned()),
                detail: json!(cadence),
                outcome: "ok",
            },
        )
        .await?;
        self.duties_changed();
        Ok(cadence)
    }

    /// A sector's checklist in the actor's county: its own, or the default.
    pub async fn checklist(&self, actor: &Actor, sector: &str) -> Result<Checklist> {
        if !policy::may(actor, Verb::Read, Object::Inspection) {
            return Err(StoreError::Forbidden);
        }
        let county = actor.scope.county().ok_or(StoreError::NotFound)?;
        let known = self.sector_known(sector).await?;
        let mut c = self.read().await?;
        let own: Option<Vec<ChecklistItem>> =
            settings::read(&mut c.conn(), county.as_str(), &checklist_key(sector)).await?;
        if !known && own.is_none() {
            return Err(StoreError::NotFound);
        }
        Ok(Checklist {
            sector: sector.to_owned(),
            customised: own.is_some(),
            items: own.unwrap_or_else(|| default_checklist(sector)),
        })
    }

    /// Replaces a sector's checklist for the actor's county; the county administration only.
    pub async fn set_checklist(
        &self,
        actor: &Actor,
        sector: &str,
        input: ChecklistInput,
    ) -> Result<Checklist> {
        if !policy::may(actor, Verb::Write, Object::GradeRule) {
            return Err(StoreError::Forbidden);
        }
        if !self.sector_known(sector).await? {
            return Err(StoreError::NotFound);
        }
        let items = input.parse()?;
        let county = actor.scope.county().ok_or(StoreError::Forbidden)?;
        let mut tx = self.write().await?;
        settings::write(
            &mut tx.conn(),
            county.as_str(),
            &checklist_key(sector),
            &items,
        )
        .await?;
        tx.commit_audited(
            actor,
            Event {
                chain: county.as_str(),
                action: "settings.checklist",
                object_type: "county_settings",
                object_id: Some(checklist_key(sector)),
                detail: json!({ "items": items.len() }),
                outcome: "ok",
            },
        )
        .await?;
        Ok(Checklist {
            sector: sector.to_owned(),
            customised: true,
            items,
        })
    }

    /// Whether `sector` is `general` or a sector of the reference list.
    async fn sector_known(&self, sector: &str) -> Result<bool> {
        if sector == safegrid_domain::inspection::checklist::GENERAL {
            return Ok(true);
        }
        Ok(self.sectors().await?.iter().any(|s| s.code == sector))
    }
}
