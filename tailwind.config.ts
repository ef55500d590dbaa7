import type { Config } from 'tailwindcss'

// Tailwind 3 through the classic Remix compiler's built-in Tailwind/PostCSS support.
// Dark mode follows the system setting.
export default {
  content: ['./app/**/*.{ts,tsx}'],
  darkMode: 'media',
  theme: { extend: {} },
  plugins: [],
} satisfies Config
