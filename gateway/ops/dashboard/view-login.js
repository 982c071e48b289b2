// The login form: operator credentials to POST /ops/api/login, which sets the HttpOnly session
// cookie; the answer's CSRF token is kept in memory only.
import { api } from '/ops/api.js';
import { h, errorMessage } from '/ops/dom.js';

export function loginView(onLoggedIn) {
  const error = h('p', { class: 'error', role: 'alert', id: 'login-error' });
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', {
    id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true,
  });
  const submit = h('button', { type: 'submit' }, 'Log in');
  const form = h('form', { class: 'login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Operator login'),
    h('label', { for: 'username' }, 'User name'), username,
    h('label', { for: 'password' }, 'Password'), password,
    submit, error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    try {
      await api.post('/ops/api/login', { username: username.value, password: password.value });
      password.value = '';
      const session = await api.get('/ops/api/session');
      await onLoggedIn(session);
    } catch (failure) {
      error.textContent = failure.status === 401
        ? 'The user name or password is incorrect.'
        : errorMessage(failure);
      submit.disabled = false;
      password.focus();
    }
  });
  queueMicrotask(() => username.focus());
  return form;
}
