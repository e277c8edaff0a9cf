module.exports = [
  { vars: { ticket: 'Refund please' }, assert: [{ type: 'contains', value: 'Refund' }] },
  { vars: { ticket: 'Login fails' }, assert: [{ type: 'icontains', value: 'login' }] },
];
