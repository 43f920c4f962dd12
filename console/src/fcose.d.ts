declare module "cytoscape-fcose" { const ext: (cy: unknown) => void; export default ext; }
