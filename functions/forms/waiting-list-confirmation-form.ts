import { pathwayNames } from '../domain/pathway.js';
import type { Request } from '../domain/request.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import { confirmJoining } from '../waiting-list/joining.js';
import type { RequestForm } from './form.js';
import { alreadyRecordedPage, page } from './pages.js';

async function listName(request: Request, deps: Dependencies) {
  const entry = await deps.store.waitingList.get(request.waitingListEntryId ?? '');
  if (!entry) throw new Error(`Confirmation ${request.requestId} has no entry`);
  return `the ${programmeById(entry.programmeId).name} (${pathwayNames[entry.pathway]} pathway)`;
}

/** Double opt-in: the emailed link's page confirms with one button (GET only shows it). */
export const waitingListConfirmationForm: RequestForm = {
  pageFollowsAnswer: true,

  fields: async () => [],

  async show(request, deps) {
    return page(
      200,
      'Confirm you want to join the waiting list',
      html`<h1>Confirm you want to join the waiting list</h1>
<p>For ${await listName(request, deps)}. We will email you when a place comes up, in the order people joined.</p>
<form method="post"><button type="submit">Confirm I want to join</button></form>`,
    );
  },

  async answer(request, _values, _evidence, deps) {
    const what = await listName(request, deps);
    const joined = await confirmJoining(request, deps);
    return page(
      200,
      'You are on the waiting list',
      html`<h1>You are on the waiting list</h1><p>${joined ? `You are on the waiting list for ${what}.` : `You were already on the waiting list for ${what}.`} We will email you when a place comes up.</p><p>You can close this page.</p>`,
    );
  },

  alreadyAnswered: async () => alreadyRecordedPage('Your place on the waiting list'),

  expired: async () =>
    page(
      410,
      'This link has expired',
      html`<h1>This link has expired</h1><p>Confirmation links work for a week. Please register your interest again and use the link in the new email.</p>`,
    ),
};
