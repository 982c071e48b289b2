// A modal confirmation built on <dialog>: focus moves into it, Escape cancels, and the promise
// answers true only for the confirm button.
import { h } from '/ops/dom.js';

export function confirmDialog({ title, body, confirmLabel, dismissLabel = 'Go back, change nothing', danger = false }) {
  return new Promise((resolve) => {
    const titleId = `dialog-title-${Date.now()}`;
    const confirm = h('button', { type: 'button', class: danger ? 'danger' : '', id: 'dialog-confirm' },
      confirmLabel);
    const cancel = h('button', { type: 'button', class: 'secondary', id: 'dialog-cancel' }, dismissLabel);
    const dialog = h('dialog', { 'aria-labelledby': titleId, class: 'confirm' },
      h('h2', { id: titleId }, title),
      ...(Array.isArray(body) ? body : [body]),
      h('div', { class: 'toolbar' }, confirm, cancel));
    let answer = false;
    confirm.addEventListener('click', () => { answer = true; dialog.close(); });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
