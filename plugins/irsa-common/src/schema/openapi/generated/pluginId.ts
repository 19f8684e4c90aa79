export const pluginId = 'irsa';
