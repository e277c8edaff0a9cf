const tests = [
  { vars: { ticket: 'Refund please' }, assert: [{ type: 'contains', value: 'Refund' }] },
  { vars: { ticket: 'Login fails' }, assert: [{ type: 'contains', value: 'Login' }] },
];
export default tests;
