module.exports.extensionHook = async (hookName, context) => { if (hookName === 'beforeAll') { /* seed data */ } };
