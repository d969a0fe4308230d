/**
 * The frame of the Marathon and Chronos editors: the Form / JSON mode tabs
 * and the form element that submits without reloading the page. The editors
 * keep their own state; switching modes is theirs to convert.
 */
import type { ComponentChildren } from 'preact';

/** An editor's mode. */
export type EditorMode = 'form' | 'json';

/** Props of `EditorFrame`. */
export interface EditorFrameProps {
  mode: EditorMode;
  /** Called with the tab the user picked (also the current one). */
  onSwitch: (mode: EditorMode) => void;
  /** Accessible name of the form (`Create application`, `Edit job`). */
  label: string;
  onSubmit: () => void;
  children: ComponentChildren;
}

/** See the module comment. */
export function EditorFrame({ mode, onSwitch, label, onSubmit, children }: EditorFrameProps) {
  return (
    <>
      <div class="tabs" role="tablist" aria-label="Editor mode">
        <button type="button" role="tab" aria-selected={mode === 'form'} onClick={() => onSwitch('form')}>
          Form
        </button>
        <button type="button" role="tab" aria-selected={mode === 'json'} onClick={() => onSwitch('json')}>
          JSON mode
        </button>
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
        aria-label={label}
      >
        {children}
      </form>
    </>
  );
}
