/**
 * The frame the Marathon and Chronos pages share: a skip link, the top bar
 * with the brand and its navigation, a banner while the server does not
 * answer, the page, and a status footer.
 */
import type { ComponentChildren } from 'preact';

/** One entry of the top navigation. */
export interface NavLink {
  href: string;
  label: string;
  /** Marks the link as the current page (`aria-current="page"`). */
  current: boolean;
}

/** Props of `AppShell`. */
export interface AppShellProps {
  /** The brand text (`Marathon`, `Chronos`), also the name in the unreachable banner. */
  brand: string;
  brandHref: string;
  links: NavLink[];
  /** The last poll's error; shows the banner while set. */
  error?: string;
  footer: ComponentChildren;
  children: ComponentChildren;
}

/** See the module comment. */
export function AppShell({ brand, brandHref, links, error, footer, children }: AppShellProps) {
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={brandHref}>
          {brand}
        </a>
        <nav aria-label={brand}>
          <ul>
            {links.map((link) => (
              <li key={link.href}>
                <a href={link.href} aria-current={link.current ? 'page' : undefined}>
                  {link.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      {error && (
        <div class="banner unreachable" role="alert">
          Cannot reach {brand}: {error}. Retrying…
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer class="status" aria-live="polite">
        {footer}
      </footer>
    </>
  );
}
