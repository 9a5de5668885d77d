//! Football prediction models.
