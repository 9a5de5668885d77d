-- The prices the market model reads beyond those kept so far: Bet365's 1X2 (the oldest
-- seasons' only single-bookmaker price) and Pinnacle's over/under 2.5, pre-match and closing.
ALTER TABLE matches ADD COLUMN b365_home REAL;
ALTER TABLE matches ADD COLUMN b365_draw REAL;
ALTER TABLE matches ADD COLUMN b365_away REAL;
ALTER TABLE matches ADD COLUMN pou25_open_over REAL;
ALTER TABLE matches ADD COLUMN pou25_open_under REAL;
ALTER TABLE matches ADD COLUMN pou25_close_over REAL;
ALTER TABLE matches ADD COLUMN pou25_close_under REAL;
