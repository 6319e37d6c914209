//! Signing in and out, one's own security, and the administrators' pages (accounts, audit).

pub mod admin;
pub mod security;
pub mod session;
