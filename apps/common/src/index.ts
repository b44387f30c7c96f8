/** Helpers shared by the example apps (not a library for users): PNG rendering of their SVG figures. */
export { svgToPng } from './png.js';
