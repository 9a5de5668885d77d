//! The OpenAPI description of the JSON API and a small interactive viewer (our own script,
//! served by the binary: no CDN).

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::Html;
use serde_json::{Value, json};

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn ok(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn param(name: &str, place: &str, required: bool, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": place, "required": required, "schema": schema, "description": description})
}

/// The OpenAPI 3.1 document.
pub fn spec() -> Value {
    let s = json!({"type": "string"});
    let i = json!({"type": "integer"});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Football Predictor API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Match predictions from Dixon-Coles and Elo models fitted on football-data.co.uk results. Predictions are saved to the caller's history (session cookie or account).",
        },
        "paths": {
            "/api/predict": {"post": {
                "summary": "Predict a match and save it to your history",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PredictRequest"}, "example": {"league": "E0", "home_team": "Arsenal", "away_team": "Chelsea"}}}},
                "responses": {"200": ok("The prediction", json!({"$ref": "#/components/schemas/Prediction"})), "400": error_response("Malformed JSON"), "404": error_response("Unknown league"), "422": error_response("Unknown team, same team twice or missing field")},
            }},
            "/api/history": {
                "get": {
                    "summary": "Your active predictions, 50 per page, newest first",
                    "parameters": [param("page", "query", false, i.clone(), "Page, from 1"), param("league", "query", false, s.clone(), "League code"), param("outcome", "query", false, json!({"type": "string", "enum": ["H", "D", "A"]}), "Predicted outcome")],
                    "responses": {"200": ok("One page", json!({"$ref": "#/components/schemas/HistoryPage"})), "400": error_response("Bad parameter")},
                },
                "delete": {
                    "summary": "Delete some or all of your predictions",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeleteRequest"}, "example": {"ids": [1, 2]}}}},
                    "responses": {"200": ok("How many were deleted", json!({"type": "object", "properties": {"deleted": i}})), "400": error_response("Malformed JSON"), "422": error_response("Neither ids nor all")},
                },
            },
            "/api/predictions/{id}": {"get": {
                "summary": "One of your predictions",
                "parameters": [param("id", "path", true, i.clone(), "Prediction id")],
                "responses": {"200": ok("The prediction", json!({"$ref": "#/components/schemas/Prediction"})), "404": error_response("Not in your history")},
            }},
            "/api/leagues": {"get": {"summary": "Leagues with their data range and model", "responses": {"200": ok("Leagues", json!({"type": "array", "items": {"type": "object"}}))}}},
            "/api/leagues/{code}/teams": {"get": {
                "summary": "Teams of a league",
                "parameters": [param("code", "path", true, s.clone(), "League code, e.g. E0")],
                "responses": {"200": ok("Teams", json!({"type": "array", "items": {"type": "object", "properties": {"id": i, "name": s}}})), "404": error_response("Unknown league")},
            }},
            "/api/teams/{id}": {"get": {
                "summary": "A team's record, form and ratings",
                "parameters": [param("id", "path", true, i.clone(), "Team id")],
                "responses": {"200": ok("Team", json!({"type": "object"})), "404": error_response("Unknown team")},
            }},
            "/api/h2h": {"get": {
                "summary": "Head-to-head of two teams of a league",
                "parameters": [param("league", "query", true, s.clone(), "League code"), param("home", "query", true, s.clone(), "Team"), param("away", "query", true, s.clone(), "Opponent")],
                "responses": {"200": ok("Meetings and summary", json!({"type": "object"})), "404": error_response("Unknown league or team")},
            }},
            "/health": {"get": {"summary": "Health: database and cache", "description": "status is \"ok\", \"degraded\" (the database answers but the configured Redis does not: served from the database with in-process limits) or \"unhealthy\" (503).", "responses": {"200": ok("Healthy or degraded", json!({"type": "object", "properties": {"status": {"type": "string", "enum": ["ok", "degraded"]}, "database": {"type": "string"}, "cache": {"type": "string"}, "read_replica": {"type": ["string", "null"]}}})), "503": ok("Database down", json!({"type": "object"}))}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": s}},
            "PredictRequest": {"type": "object", "required": ["league", "home_team", "away_team"], "properties": {"league": s, "home_team": s, "away_team": s}},
            "DeleteRequest": {"type": "object", "properties": {"ids": {"type": "array", "items": i}, "all": {"type": "boolean"}}},
            "Prediction": {"type": "object", "properties": {
                "id": i, "url": s, "league": s, "home_team": s, "away_team": s,
                "probabilities": {"type": "object", "properties": {"home": {"type": "number"}, "draw": {"type": "number"}, "away": {"type": "number"}}},
                "expected_goals": {"type": "object", "properties": {"home": {"type": "number"}, "away": {"type": "number"}}},
                "most_likely_score": {"type": "object", "properties": {"home": i, "away": i}},
                "outcome": {"type": "string", "enum": ["H", "D", "A"]}, "confidence": {"type": "number"},
                "top_scores": {"type": "array"}, "double_chance": {"type": "object"}, "over_under": {"type": "array"},
                "both_teams_to_score": {"type": "object"}, "form": {"type": "object"}, "head_to_head": {"type": "object"}, "model": {"type": "object"},
            }},
            "HistoryPage": {"type": "object", "properties": {"total": i, "page": i, "per_page": i, "pages": i, "items": {"type": "array", "items": {"type": "object"}}}},
        }},
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}

pub async fn viewer(State(state): State<AppState>) -> Html<String> {
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>API · Football Predictor</title><link rel="stylesheet" href="{}"><script src="{}" defer></script></head><body><header><nav aria-label="Main"><a href="/" class="brand">Football Predictor</a></nav></header><main><h1>JSON API</h1><p>The machine-readable description is at <a href="/api/openapi.json">/api/openapi.json</a>. Try the endpoints below; requests run with your own session.</p><div id="endpoints" aria-live="polite"><p>Loading…</p></div></main></body></html>"#,
        state.assets().url("app.css"),
        state.assets().url("apidocs.js")
    ))
}
