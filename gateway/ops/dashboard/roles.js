// What the signed-in operator may do, from GET /ops/api/session's role: the page hides what the
// role may not do, and the server refuses it anyway.
export function canAct(session) {
  return Boolean(session) && (session.role === 'operator' || session.role === 'admin');
}

export function isAdmin(session) {
  return Boolean(session) && session.role === 'admin';
}
