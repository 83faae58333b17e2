-- send_dashboard_notices: hands waiting dashboard notices (left by dashboard_notify) to NOTIFY, one commit for many.
-- Arguments: the most rows to take in one pass.
-- Outcomes: the number of rows taken; a full pass (= p_limit) means more may be waiting. Identical notices taken
--   together go out once. Every instance LISTENing on slotkeeper_dashboard hears them when this commits.
-- Locks: the rows taken (FOR UPDATE SKIP LOCKED: instances sending at once take different rows, neither waits); the
--   NOTIFY lock at commit, held briefly because the commit does not wait for its WAL flush (a notice needs no
--   durability: the table is unlogged, and pages fetch afresh when their stream reconnects).
create or replace function send_dashboard_notices(p_limit int) returns int
language plpgsql as $$
declare
  v_taken   int := 0;
  v_payload text;
begin
  perform set_config('synchronous_commit', 'off', true);
  for v_payload, v_taken in
    with taken as (
      delete from dashboard_notices
       where ctid = any(array(select ctid from dashboard_notices limit p_limit for update skip locked))
      returning payload
    )
    select payload, (sum(count(*)) over ())::int from taken group by payload
  loop
    perform pg_notify('slotkeeper_dashboard', v_payload);
  end loop;
  return v_taken;
end $$;
