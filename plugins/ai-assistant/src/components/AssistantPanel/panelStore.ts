import { useSyncExternalStore } from 'react';

export interface PanelState {
  open: boolean;
  entityRef?: string;
  /** The panel's conversation per entity, so reopening it goes on where it was. */
  conversations: Record<string, string>;
}

let state: PanelState = { open: false, conversations: {} };
const listeners = new Set<() => void>();

function set(next: PanelState) {
  state = next;
  listeners.forEach(l => l());
}

/**
 * The assistant panel's state, shared by the app-root element that draws it
 * and the entity menu item that opens it (both of this plugin, one bundle).
 */
export const assistantPanel = {
  open(entityRef: string) {
    set({ ...state, open: true, entityRef });
  },
  close() {
    set({ ...state, open: false });
  },
  setConversation(entityRef: string, conversationId: string | undefined) {
    const conversations = { ...state.conversations };
    if (conversationId) conversations[entityRef] = conversationId;
    else delete conversations[entityRef];
    set({ ...state, conversations });
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
  get: () => state,
};

export function usePanelState() {
  return useSyncExternalStore(assistantPanel.subscribe, assistantPanel.get);
}
