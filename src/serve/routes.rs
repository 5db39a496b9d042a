//! The one route table: the router is built from it, and the tests compare it with
//! the OpenAPI document.

use super::api;
use super::error;
use super::state::AppState;
use axum::routing::{get, post, MethodRouter};
use axum::Router;

pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    make: fn() -> MethodRouter<AppState>,
}

pub const ROUTES: &[Route] = &[
    Route { method: "GET", path: "/", make: || get(api::page) },
    Route { method: "GET", path: "/openapi.json", make: || get(api::openapi) },
    Route { method: "GET", path: "/healthz", make: || get(api::healthz) },
    Route { method: "GET", path: "/v1/lexicon", make: || get(api::lexicon) },
    Route { method: "GET", path: "/v1/themes", make: || get(api::themes) },
    Route { method: "POST", path: "/v1/classify", make: || post(api::classify) },
    Route { method: "POST", path: "/v1/count", make: || post(api::count) },
    Route { method: "POST", path: "/v1/admin/reload", make: || post(api::reload) },
];

/// (method, path) of every route, for tests and docs.
pub fn routes() -> Vec<(&'static str, &'static str)> {
    ROUTES.iter().map(|r| (r.method, r.path)).collect()
}

pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for r in ROUTES {
        router = router.route(r.path, (r.make)());
    }
    router.fallback(error::not_found).method_not_allowed_fallback(error::method_not_allowed).with_state(state)
}
