//! The organisation of supervision: divisions, departments, grids and their posts, people,
//! the leadership group, the responsibility ledger and the grid plans — API and pages.

pub mod api;
pub mod pages;
