// Typed builders for the @vscode/webview-ui-toolkit elements the views use. Each view's entry
// registers only the components it needs (registerToolkit). Labels are set as text, never HTML.
import type { Checkbox, Dropdown, RadioGroup } from '@vscode/webview-ui-toolkit';
import { el } from './dom';

export interface ButtonOptions {
  label: string;
  appearance?: 'primary' | 'secondary';
  ariaLabel?: string;
  title?: string;
  className?: string;
}

export function toolkitButton(options: ButtonOptions, onClick: () => void): HTMLElement {
  const button = el('vscode-button', {
    text: options.label,
    className: options.className,
    attrs: { appearance: options.appearance ?? 'primary', 'aria-label': options.ariaLabel, title: options.title },
  });
  button.addEventListener('click', () => {
    if (!button.hasAttribute('disabled')) onClick();
  });
  return button;
}

export function toolkitCheckbox(label: string, checked: boolean, onChange: (checked: boolean) => void): HTMLElement {
  const checkbox = el('vscode-checkbox', { text: label, attrs: { checked } });
  checkbox.addEventListener('change', () => onChange((checkbox as Checkbox).checked));
  return checkbox;
}

export interface Choice<T extends string> {
  value: T;
  label: string;
}

export function toolkitDropdown<T extends string>(
  ariaLabel: string,
  choices: readonly Choice<T>[],
  value: T,
  onChange: (value: T) => void,
): HTMLElement {
  const dropdown = el(
    'vscode-dropdown',
    { attrs: { 'aria-label': ariaLabel, position: 'below' } },
    choices.map((choice) =>
      el('vscode-option', { text: choice.label, attrs: { value: choice.value, selected: choice.value === value } }),
    ),
  );
  dropdown.addEventListener('change', () => {
    const selected = choices.find((choice) => choice.value === (dropdown as Dropdown).value);
    if (selected) onChange(selected.value);
  });
  return dropdown;
}

export function toolkitRadioGroup<T extends string>(
  label: string,
  choices: readonly Choice<T>[],
  value: T,
  onChange: (value: T) => void,
): HTMLElement {
  const group = el('vscode-radio-group', { attrs: { orientation: 'horizontal', value } }, [
    el('label', { text: label, attrs: { slot: 'label' } }),
    ...choices.map((choice) =>
      el('vscode-radio', { text: choice.label, attrs: { value: choice.value, checked: choice.value === value } }),
    ),
  ]);
  group.addEventListener('change', () => {
    const selected = choices.find((choice) => choice.value === (group as RadioGroup).value);
    if (selected) onChange(selected.value);
  });
  return group;
}

export function progressRing(label: string): HTMLElement {
  return el('vscode-progress-ring', { className: 'progress-ring', attrs: { 'aria-label': label } });
}
