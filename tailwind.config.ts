import type { Config } from 'tailwindcss'

// Tailwind 3 through the classic Remix compiler's built-in Tailwind/PostCSS support.
// Dark mode follows the person's theme (root.tsx renders it as <html data-theme>): `dark`
// always, `system` (and a page without the attribute) when the device prefers dark.
export default {
  content: ['./app/**/*.{ts,tsx}'],
  darkMode: [
    'variant',
    [
      '@media (prefers-color-scheme: dark) { &:not(:where([data-theme=light], [data-theme=light] *)) }',
      '&:where([data-theme=dark], [data-theme=dark] *)',
    ],
  ],
  theme: { extend: {} },
  plugins: [],
} satisfies Config
