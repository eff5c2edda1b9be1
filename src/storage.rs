//! The only module that touches localStorage.

use gloo_storage::{LocalStorage, Storage};

use crate::domain::Workspace;

/// The localStorage key holding the workspace.
pub const WORKSPACE_KEY: &str = "pipeline-crm.workspace";

/// The stored workspace, or `None` when nothing has been saved yet.
pub fn load() -> Option<Workspace> {
    LocalStorage::get(WORKSPACE_KEY).ok()
}

/// Writes the workspace; returns a message a user can read when it fails.
pub fn save(workspace: &Workspace) -> Result<(), String> {
    LocalStorage::set(WORKSPACE_KEY, workspace).map_err(|e| e.to_string())
}
