//! The only module that touches localStorage.

use chrono::{DateTime, Utc};
use gloo_storage::{LocalStorage, Storage};

use crate::domain::format::{declared_version, read_workspace, FormatError};
use crate::domain::{Id, Workspace};

/// The localStorage key holding the workspace.
pub const WORKSPACE_KEY: &str = "pipeline-crm.workspace";

/// The key under which the data found before a migration is kept.
pub fn pre_migration_key(version: u32) -> String {
    format!("{WORKSPACE_KEY}.before-migration-from-v{version}")
}

/// The key under which unreadable data is kept.
pub const UNREADABLE_KEY: &str = "pipeline-crm.workspace.unreadable";

/// What was found in storage.
pub enum Loaded {
    /// Nothing saved yet.
    Empty,
    /// A workspace, migrated if it was older.
    Workspace(Workspace),
    /// Something that could not be read; the raw text is kept under [`UNREADABLE_KEY`].
    Unreadable(FormatError),
}

/// Reads the stored workspace; an older version is migrated and the data as
/// it was is kept under [`pre_migration_key`].
pub fn load(now: DateTime<Utc>, owner: &str, ids: impl FnMut() -> Id) -> Loaded {
    let Ok(Some(raw)) = LocalStorage::raw().get_item(WORKSPACE_KEY) else {
        return Loaded::Empty;
    };
    let value: serde_json::Value = match serde_json::from_str(&raw) {
        Ok(v) => v,
        Err(e) => {
            let _ = LocalStorage::raw().set_item(UNREADABLE_KEY, &raw);
            return Loaded::Unreadable(FormatError::NotJson(e.to_string()));
        }
    };
    let version = declared_version(&value).unwrap_or(0);
    match read_workspace(value, now, owner, ids) {
        Ok((workspace, migrated)) => {
            if migrated {
                let _ = LocalStorage::raw().set_item(&pre_migration_key(version), &raw);
            }
            Loaded::Workspace(workspace)
        }
        Err(e) => {
            let _ = LocalStorage::raw().set_item(UNREADABLE_KEY, &raw);
            Loaded::Unreadable(e)
        }
    }
}

/// Writes the workspace; returns a message a user can read when it fails.
pub fn save(workspace: &Workspace) -> Result<(), String> {
    LocalStorage::set(WORKSPACE_KEY, workspace).map_err(|e| e.to_string())
}
