//! Extractors that answer malformed requests with the API's JSON error body (axum's own answer
//! with plain text and, for JSON type errors, 422).

use crate::error::ApiError;
use axum::{
	extract::{
		rejection::{JsonRejection, PathRejection, QueryRejection},
		FromRequest, FromRequestParts, Path, Query, Request,
	},
	http::{request::Parts, StatusCode},
	Json,
};
use serde::de::DeserializeOwned;

/// A JSON body (`Content-Type: application/json`, within the route's body limit).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
	type Rejection = ApiError;

	async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
		match Json::<T>::from_request(req, state).await {
			Ok(Json(value)) => Ok(Self(value)),
			Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMediaType),
			Err(JsonRejection::BytesRejection(r))
				if r.status() == StatusCode::PAYLOAD_TOO_LARGE =>
			{
				Err(ApiError::BodyTooLarge)
			}
			Err(rejection) => Err(ApiError::InvalidJson(rejection.body_text())),
		}
	}
}

/// Query parameters (unknown parameters are refused by the target types).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
	type Rejection = ApiError;

	async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
		Query::<T>::from_request_parts(parts, state)
			.await
			.map(|Query(value)| Self(value))
			.map_err(|rejection: QueryRejection| ApiError::InvalidQuery(rejection.body_text()))
	}
}

/// Path parameters.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
	type Rejection = ApiError;

	async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
		Path::<T>::from_request_parts(parts, state)
			.await
			.map(|Path(value)| Self(value))
			.map_err(|rejection: PathRejection| ApiError::InvalidPath(rejection.body_text()))
	}
}
