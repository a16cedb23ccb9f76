//! Power-operation flowcharts (权力运行流程图) as document operations.

use super::change_note::{Action, Stamp};
use super::register_doc::{DocError, RegisterDoc};
use crate::model::{Flowchart, Id, Template, new_id};
use crate::rules::{ChartEdit, FlowchartForm, Form, Invalid, Reason, chart_from_template};

impl RegisterDoc {
    /// Makes `edit` on chart `id`; returns the id of a node or arrow it made.
    pub fn chart_edit(&mut self, stamp: &Stamp, id: &str, edit: &ChartEdit) -> Result<Option<Id>, DocError> {
        let mut chart = self.fresh_entity::<Flowchart>(id)?;
        let before = chart.clone();
        let made = edit.apply(&mut chart, self.register(), &stamp.author, stamp.at).map_err(DocError::Invalid)?;
        if chart != before {
            self.write_entity(stamp, Action::Update, id, &chart)?;
        }
        Ok(made)
    }

    /// Adds the flowchart `title` of the register's template, with its risk marks on the
    /// register's points of the same 职权事项. Refused while an active chart has that title.
    pub fn chart_from_template(&mut self, stamp: &Stamp, title: &str) -> Result<Id, DocError> {
        let template = Template::by_code(&self.register().settings.template);
        let found = template.charts.iter().find(|c| c.title == title);
        let unknown = || DocError::Invalid(vec![Invalid { field: "template", reason: Reason::Unknown }]);
        let mut chart = chart_from_template(found.ok_or_else(unknown)?, self.register());
        FlowchartForm::from_target(&chart).apply(&mut chart, self.register()).map_err(DocError::Invalid)?;
        let id = new_id();
        self.write_entity(stamp, Action::Create, &id, &chart)?;
        Ok(id)
    }
}
