# Production image, as Shopify's Remix app template builds it: install, build, then at
# start `npm run setup` (Prisma client + migrations on DATABASE_URL) and serve.
FROM node:24-bookworm-slim

EXPOSE 3000
WORKDIR /app

ENV NODE_ENV=production

COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY . .
RUN npm run build

# DATABASE_URL: the postgresql:// URL of a PostgreSQL 15+ database (required).
CMD ["npm", "run", "docker-start"]
