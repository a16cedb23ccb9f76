//! What leaves the app for people to read and file: the catalogue of risk points and the
//! per-department self-check form as tables (shown, printed, exported to CSV and XLSX), and the
//! register as readable JSON.

mod bulletin;
mod chart_svg;
mod csv;
mod json;
mod packet;
mod qr;
mod table;
mod warnings;
mod xlsx;

pub use bulletin::{Bulletin, bulletin, closed_cases, mask};
pub use chart_svg::{ChartView, ChartWords, chart_svg, level_colour};
pub use csv::to_csv;
pub use json::register_json;
pub use packet::{SummaryFigures, packet, summary_draft, summary_figures};
pub use qr::qr_svg;
pub use table::{Table, catalogue_table, self_check_table};
pub use warnings::warning_summary;
pub use xlsx::to_xlsx;
