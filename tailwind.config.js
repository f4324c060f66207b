/** @type {import('tailwindcss').Config} */
// The helpdesk's design tokens. Classes are found in the templates and the
// page script; generated *_templ.go files repeat the templates, so they are
// not scanned.
module.exports = {
  content: ['./views/**/*.templ', './views/**/*.go', '!./views/**/*_templ.go', './static/js/**/*.js'],
  theme: {
    extend: {
      colors: {
        // Warm sand neutrals for backgrounds and borders; text stays slate
        // so every pairing keeps a contrast of at least 4.5:1.
        sand: {
          50: '#fbf9f5',
          100: '#f4efe6',
          200: '#e8e0d2',
          300: '#d6cab6',
        },
      },
      fontFamily: {
        sans: ['system-ui', '-apple-system', '"Segoe UI"', 'Roboto', '"Helvetica Neue"', 'Arial', 'sans-serif'],
      },
      minHeight: {
        11: '2.75rem',
      },
    },
  },
  plugins: [],
};
